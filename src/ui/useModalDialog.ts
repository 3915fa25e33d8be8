import { useEffect, useRef, type RefObject } from 'react';

/** A native modal <dialog> that follows `open`: shown with showModal() (focus trap, Escape, inert page), closed with close(). */
export function useModalDialog(open: boolean): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return ref;
}
