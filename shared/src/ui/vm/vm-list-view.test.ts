import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VmState, type VmSummary, VmTagsUpdate } from '@quantix/shared';
import { vmSummaryFixture } from '../../testing.ts';
import { runBulk } from './vm-bulk.ts';
import {
  allTags,
  filterVms,
  NO_FILTER,
  nextSort,
  parseTagInput,
  sortVms,
  tagInputProblem,
  VM_STATES,
} from './vm-list-view.ts';

const vm = (name: string, over: Partial<VmSummary> = {}): VmSummary =>
  vmSummaryFixture({ uuid: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`, name, ...over });
const names = (l: readonly VmSummary[]) => l.map((v) => v.name);

const list = [
  vm('web10', { state: 'running', tags: ['prod', 'web'], cpuPercent: 50, vcpus: 4 }),
  vm('web2', { state: 'running', tags: ['web'], cpuPercent: 5, vcpus: 2 }),
  vm('db1', { state: 'paused', tags: ['prod'], vcpus: 8 }),
  vm('scratch', { state: 'shutoff' }),
];

describe('VM list view', () => {
  it('searches name, uuid start and tags, case-insensitively', () => {
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, search: 'WEB' })), ['web10', 'web2']);
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, search: 'prod' })), ['web10', 'db1']);
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, search: list[3]?.uuid.slice(0, 30) ?? '' })), [
      'scratch',
    ]);
    assert.equal(filterVms(list, NO_FILTER), list, 'no filter: the same array');
  });

  it('filters by state (one state, or on/off) and by tag', () => {
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, state: 'on' })), ['web10', 'web2', 'db1']);
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, state: 'off' })), ['scratch']);
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, state: 'paused' })), ['db1']);
    assert.deepEqual(names(filterVms(list, { ...NO_FILTER, tag: 'prod', state: 'running' })), ['web10']);
    assert.deepEqual(allTags(list), ['prod', 'web']);
  });

  it('sorts by any column both ways, names naturally, missing figures last', () => {
    assert.deepEqual(names(sortVms(list, { key: 'name', dir: 'asc' })), ['db1', 'scratch', 'web2', 'web10']);
    assert.deepEqual(names(sortVms(list, { key: 'name', dir: 'desc' })), ['web10', 'web2', 'scratch', 'db1']);
    assert.deepEqual(names(sortVms(list, { key: 'vcpus', dir: 'desc' })), [
      'db1',
      'web10',
      'web2',
      'scratch',
    ]);
    assert.deepEqual(names(sortVms(list, { key: 'cpu', dir: 'asc' })), ['web2', 'web10', 'db1', 'scratch']);
    assert.deepEqual(names(sortVms(list, { key: 'cpu', dir: 'desc' })), ['web10', 'web2', 'db1', 'scratch']);
    assert.deepEqual(names(sortVms(list, { key: 'state', dir: 'asc' })), ['web2', 'web10', 'db1', 'scratch']);
    assert.deepEqual(nextSort({ key: 'name', dir: 'asc' }, 'name'), { key: 'name', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'name', dir: 'desc' }, 'cpu'), { key: 'cpu', dir: 'asc' });
  });

  it('reads typed tags, and judges them as the host schema does', () => {
    assert.deepEqual(parseTagInput(' Web, db  web;x '), ['web', 'db', 'x']);
    const cases = [['web', 'db'], ['-x'], ['a'.repeat(33)], ['a'.repeat(32)], ['v1.2+b_c'], ['é'], []];
    cases.push(Array.from({ length: 17 }, (_, i) => `t${i}`));
    for (const tags of cases)
      assert.equal(tagInputProblem(tags) === null, VmTagsUpdate.safeParse({ tags }).success, tags.join(','));
    assert.deepEqual([...VM_STATES].sort(), [...VmState.options].sort());
  });
});

describe('bulk actions', () => {
  it('sends to every VM the action applies to; a failure does not stop the rest', async () => {
    const sent: string[] = [];
    const results = await runBulk('start', list, async (uuid) => {
      const name = list.find((v) => v.uuid === uuid)?.name ?? '';
      sent.push(name);
      if (name === 'db1') throw new Error('boom');
    });
    // db1 is paused: start does not apply; scratch is off: sent
    assert.deepEqual(sent, ['scratch']);
    assert.deepEqual(
      results.map((r) => [r.name, r.outcome]),
      [
        ['web10', 'skipped'],
        ['web2', 'skipped'],
        ['db1', 'skipped'],
        ['scratch', 'ok'],
      ],
    );
    const off = await runBulk('destroy', list, async (uuid) => {
      if (uuid === list[0]?.uuid) throw new Error('libvirt said no');
    });
    assert.deepEqual(
      off.map((r) => [r.name, r.outcome, r.outcome === 'failed' ? r.message : '']),
      [
        ['web10', 'failed', 'libvirt said no'],
        ['web2', 'ok', ''],
        ['db1', 'ok', ''],
        ['scratch', 'skipped', ''],
      ],
    );
  });
});
