import { useState, type FormEvent } from 'react';

/** What a form does on submit: send its request, or return an Error, shown without sending anything, when a field does not parse. */
export type SubmitRequest = () => Promise<void> | Error;

export interface Submission {
  /** True while the request runs; submit buttons are disabled meanwhile. */
  busy: boolean;
  /** The last submit's failure, for an ErrorAlert; null after a new submit starts. */
  error: unknown;
  /** Makes a form's onSubmit handler that runs `request` instead of loading a page. */
  onSubmit: (request: SubmitRequest) => (event: FormEvent<HTMLFormElement>) => void;
}

/** The busy flag and error of a form whose submit calls the API. */
export function useSubmit(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (pending: Promise<void>) => {
    setBusy(true);
    try {
      await pending;
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (request: SubmitRequest) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const pending = request();
    if (pending instanceof Error) setError(pending);
    else void run(pending);
  };

  return { busy, error, onSubmit };
}
