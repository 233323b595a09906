import type { ComponentChildren } from 'preact';

export function Card(props: {
  title: string;
  actions?: ComponentChildren;
  testId?: string;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testId} aria-label={props.title}>
      <header class="card-header">
        <h2>{props.title}</h2>
        {props.actions && <div class="card-actions">{props.actions}</div>}
      </header>
      <div class="card-body">{props.children}</div>
    </section>
  );
}
