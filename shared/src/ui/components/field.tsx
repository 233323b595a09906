import type { ComponentChildren } from 'preact';

/** A labelled form field with an optional hint and error (the error replaces the hint). */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ComponentChildren;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <span class="field-error" id={`${props.id}-error`} data-testid={`${props.id}-error`}>
          {props.error}
        </span>
      ) : (
        props.hint && <span class="hint">{props.hint}</span>
      )}
    </div>
  );
}
