import { useEffect, useRef } from 'preact/hooks';

/**
 * Spread onto a `<dialog>`: shows it modal while mounted, and Escape closes it unless its
 * operation is running (`busy`).
 */
export function useModalDialog(props: { busy: boolean; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return {
    ref,
    onCancel: (e: Event) => {
      e.preventDefault();
      if (!props.busy) props.onCancel();
    },
  };
}
