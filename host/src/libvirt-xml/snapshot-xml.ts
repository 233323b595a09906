import { SnapshotCreateRequest, SnapshotState } from '@quantix/shared';
import { buildXml, child, int, path, rootElement, text, validate } from './xml.ts';

export function buildSnapshotXml(input: SnapshotCreateRequest): string {
  const spec = validate(SnapshotCreateRequest, input, 'snapshot');
  return buildXml({ domainsnapshot: { name: spec.name, description: spec.description || undefined } });
}

export interface ParsedSnapshot {
  name: string;
  description: string;
  /** ISO 8601; libvirt stores whole seconds since the epoch. */
  createdAt: string;
  state: SnapshotState;
  parent: string | null;
}

export function parseSnapshotXml(xml: string): ParsedSnapshot {
  const snapshot = rootElement(xml, 'domainsnapshot');
  const seconds = int(text(child(snapshot, 'creationTime'))) ?? 0;
  const state = SnapshotState.safeParse(text(child(snapshot, 'state')));
  return {
    name: text(child(snapshot, 'name')) ?? '',
    description: text(child(snapshot, 'description')) ?? '',
    createdAt: new Date(seconds * 1000).toISOString(),
    state: state.success ? state.data : 'unknown',
    parent: text(path(snapshot, 'parent', 'name')) || null,
  };
}
