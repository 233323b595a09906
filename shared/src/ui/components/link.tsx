import type { ComponentChildren } from 'preact';
import { useShellApi } from '../store/shell-context.ts';

/** An `<a>` that navigates through the history API; modified clicks (new tab…) stay native. */
export function Link(props: {
  href: string;
  class?: string;
  testId?: string;
  current?: boolean;
  children: ComponentChildren;
}) {
  const { nav } = useShellApi();
  return (
    <a
      href={props.href}
      class={props.class}
      data-testid={props.testId}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        nav.navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
