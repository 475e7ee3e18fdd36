/** Modal dialogs: the native <dialog> shell, one opened for an item (the key to rename, …), and the form inside it. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useSubmit, type SubmitRequest } from '../lib/useSubmit';
import { Icon } from './Icon';
import { ErrorAlert } from './ui';

/** A modal built on the native <dialog> element: focus trap, Escape and backdrop click close it. */
export function Dialog({
  open,
  title,
  onClose,
  children,
  className,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // The click handler is for a click on the backdrop, a pointer's way to close; from the keyboard, Escape (native to
    // <dialog>) and the Close button close it.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard's ways to close are Escape and the Close button
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      {open ? (
        <div className="dialog-body">
          <div className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
              <Icon name="close" />
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

/**
 * A Dialog that is open while `item` is set, its title and content made from that item. The content mounts afresh
 * each time it opens, so a form inside starts from the item's current values.
 */
export function ItemDialog<T>({
  item,
  title,
  onClose,
  children,
}: {
  item: T | null;
  title: string | ((item: T) => string);
  onClose: () => void;
  children: (item: T) => ReactNode;
}) {
  const open = item !== null;
  return (
    <Dialog open={open} title={!open ? '' : typeof title === 'string' ? title : title(item)} onClose={onClose}>
      {open ? children(item) : null}
    </Dialog>
  );
}

/** The form of a dialog: its fields, the error of the last submit, then Cancel and the submit button. */
export function DialogForm({
  submitLabel,
  danger = false,
  disabled = false,
  onCancel,
  onSubmit,
  children,
}: {
  submitLabel: string;
  /** A red submit button, for what cannot be undone. */
  danger?: boolean;
  /** Keeps submit disabled, e.g. while a required field is empty. */
  disabled?: boolean;
  onCancel: () => void;
  onSubmit: SubmitRequest;
  children: ReactNode;
}) {
  const submission = useSubmit();
  return (
    <form className="form" onSubmit={submission.onSubmit(onSubmit)}>
      {children}
      <ErrorAlert error={submission.error} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={submission.busy || disabled}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
