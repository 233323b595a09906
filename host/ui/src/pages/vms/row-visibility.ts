/**
 * Which list rows are on screen (or near it), through one IntersectionObserver for all of them:
 * a row off screen may skip a stats tick and catch up when it scrolls into view.
 */
export interface RowVisibility {
  /** `onChange` hears when `el` comes near the viewport or leaves it; returns the stop */
  watch(el: Element, onChange: (visible: boolean) => void): () => void;
  close(): void;
}

export function createRowVisibility(): RowVisibility {
  const handlers = new Map<Element, (visible: boolean) => void>();
  // where there is no observer (tests in node), every row counts as visible
  const io =
    typeof IntersectionObserver === 'undefined'
      ? null
      : new IntersectionObserver(
          (entries) => {
            for (const e of entries) handlers.get(e.target)?.(e.isIntersecting);
          },
          // a screen's height of rows above and below are drawn live too: scrolling shows no stale figure
          { rootMargin: '100% 0px' },
        );
  return {
    watch(el, onChange) {
      if (!io) return () => undefined;
      handlers.set(el, onChange);
      io.observe(el);
      return () => {
        handlers.delete(el);
        io.unobserve(el);
      };
    },
    close() {
      io?.disconnect();
      handlers.clear();
    },
  };
}
