/**
 * The signed-in account's sign-in security: change the password (every other session ends, this one stays) and
 * sign out everywhere (every session ends, this one included).
 */
import { useId, useState } from 'react';
import { Dialog, DialogForm } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { useToast } from '../components/Toasts';
import { Card, ErrorAlert, PageHeader } from '../components/ui';
import { api, withRetryHint } from '../lib/api';
import { navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/useSubmit';

const MIN_PASSWORD = 10;

export function AccountPage() {
  const { me } = useSession();
  return (
    <div className="page">
      <PageHeader title="Account" description={me ? <>Signed in as {me.account.email}.</> : undefined} />
      <ChangePasswordForm />
      <SignOutEverywhere />
    </div>
  );
}

function ChangePasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, onSubmit } = useSubmit();
  const toast = useToast();
  const currentId = useId();
  const nextId = useId();
  const hintId = useId();

  const change = () => {
    if (next.length < MIN_PASSWORD) return new Error(`Choose a new password of at least ${MIN_PASSWORD} characters.`);
    return (async () => {
      try {
        await api.changePassword(current, next);
      } catch (failure) {
        throw withRetryHint(failure);
      }
      setCurrent('');
      setNext('');
      toast('Password changed. Every other session was signed out.');
    })();
  };

  return (
    <Card title="Password" description="Changing it signs out every other browser and device; this one stays signed in.">
      <form className="form" onSubmit={onSubmit(change)}>
        <div className="field">
          <label htmlFor={currentId}>Current password</label>
          <input
            id={currentId}
            type="password"
            name="current-password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={nextId}>New password</label>
          <input
            id={nextId}
            type="password"
            name="new-password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            aria-describedby={hintId}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          <p className="field-hint" id={hintId}>
            At least {MIN_PASSWORD} characters.
          </p>
        </div>
        <ErrorAlert error={error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
            Change password
          </button>
        </div>
      </form>
    </Card>
  );
}

function SignOutEverywhere() {
  const { logoutEverywhere } = useSession();
  const [confirming, setConfirming] = useState(false);

  const signOut = async () => {
    try {
      await logoutEverywhere();
    } finally {
      navigate('/login', { replace: true });
    }
  };

  return (
    <Card title="Sessions" description="Signed in somewhere you no longer trust, or on a device you lost? End every session of this account at once.">
      <div>
        <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirming(true)}>
          <Icon name="logout" /> Sign out everywhere
        </button>
      </div>
      <Dialog open={confirming} title="Sign out everywhere?" onClose={() => setConfirming(false)}>
        <DialogForm submitLabel="Sign out everywhere" danger onCancel={() => setConfirming(false)} onSubmit={signOut}>
          <p>Every browser and device signed in to this account is signed out, this one included. API keys keep working.</p>
        </DialogForm>
      </Dialog>
    </Card>
  );
}
