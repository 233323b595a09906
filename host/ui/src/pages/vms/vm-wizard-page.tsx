import { awaitingFirst } from '@quantix/shared/ui/store/shell-state.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { newTaskId } from '../../api/tasks-api.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { HypervisorStatus } from '../../components/hypervisor-status.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { TaskProgress } from '../../components/task-progress.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import {
  emptyWizardForm,
  firstInvalidStep,
  isoOptions,
  STEPS,
  type StepId,
  toCreateRequest,
  validateStep,
  type WizardContext,
  type WizardForm,
} from '@quantix/shared/ui/vm/wizard-form.ts';
import { defaultPool, hostCapacity, overcommitWarnings } from './wizard-host.ts';
import { HostFitNotes, PoolDefaultNote } from './wizard-notes.tsx';
import { BasicsStep, DisksStep } from './wizard-steps-hw.tsx';
import { BootStep, CdromStep, NetworkStep, ReviewStep } from './wizard-steps-more.tsx';
import { CloudInitReview, CloudInitStep } from './wizard-steps-cloud-init.tsx';
import { imageOptions } from '@quantix/shared/ui/vm/wizard-cloud-init.ts';
import { useFirmwareOffer } from './wizard-steps-os.tsx';

export function VmWizardPage() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  const volumes = useStore((s) => s.volumes);
  const networks = useStore((s) => s.networks);
  const hardware = useStore((s) => s.hardware);
  const hostSummary = useStore((s) => s.host.data);
  const vms = useStore((s) => s.vms.data);
  const [form, setForm] = useState<WizardForm>(emptyWizardForm);
  const [step, setStep] = useState<StepId>('basics');
  // errors show on a step once the user tried to leave it
  const [shown, setShown] = useState<Partial<Record<StepId, boolean>>>({});
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    void api.storage.loadPools();
    void api.networks.load();
    void api.networks.loadHardware();
    void api.vms.loadList();
  }, [api]);
  // ISO images live in pool volumes: read every running pool's list
  useEffect(() => {
    for (const p of pools.data ?? []) if (p.state === 'running') void api.storage.loadVolumes(p.name);
  }, [api, pools.data]);
  // sensible defaults once the host's pools and networks are known
  useEffect(() => {
    const best = defaultPool(pools.data ?? []);
    if (best) setForm((f) => ({ ...f, disks: f.disks.map((d) => (d.pool ? d : { ...d, pool: best.name })) }));
  }, [pools.data]);
  useEffect(() => {
    const list = networks.data ?? [];
    const pick = list.find((n) => n.name === 'default') ?? list.find((n) => n.active) ?? list[0];
    if (pick) setForm((f) => (f.network ? f : { ...f, network: `network:${pick.name}` }));
  }, [networks.data]);

  const isos = useMemo(
    () =>
      isoOptions(
        Object.fromEntries((pools.data ?? []).map((p) => [p.name, volumes[p.name]?.data ?? null] as const)),
      ),
    [pools.data, volumes],
  );
  const images = useMemo(
    () =>
      imageOptions(
        Object.fromEntries((pools.data ?? []).map((p) => [p.name, volumes[p.name]?.data ?? null] as const)),
      ),
    [pools.data, volumes],
  );
  const isosLoading = (pools.data ?? []).some((p) => volumes[p.name]?.loading);
  const firmware = useFirmwareOffer();
  // a preset chosen before the host said what it offers: drop what it turns out not to have
  useEffect(() => {
    const c = firmware.caps;
    if (!c || c.probing) return;
    setForm((f) => ({
      ...f,
      ...(f.firmware === 'uefi' && !c.uefi.available ? { firmware: 'bios' as const, secureBoot: false } : {}),
      ...(f.secureBoot && !c.secureBoot.available ? { secureBoot: false } : {}),
      ...(f.tpm && !c.tpm.available ? { tpm: false } : {}),
    }));
  }, [firmware.caps]);
  const networksLoading = awaitingFirst(networks);
  const ctx: WizardContext = {
    pools: pools.data ?? [],
    vmNames: (vms ?? []).map((v) => v.name),
    isos,
    firmware: firmware.caps,
    networksLoading,
  };
  const errors = shown[step] ? validateStep(step, form, ctx) : {};
  const index = STEPS.findIndex((s) => s.id === step);
  const creating = taskId !== null;
  const set = (change: Partial<WizardForm>) => setForm((f) => ({ ...f, ...change }));

  function next() {
    setShown((s) => ({ ...s, [step]: true }));
    if (Object.keys(validateStep(step, form, ctx)).length > 0) return;
    const following = STEPS[index + 1];
    if (following) setStep(following.id);
  }

  async function create() {
    const bad = firstInvalidStep(form, ctx);
    if (bad) {
      setShown((s) => ({ ...s, [bad]: true }));
      setStep(bad);
      return;
    }
    const id = newTaskId();
    setTaskId(id);
    setError(null);
    try {
      const vm = await api.vms.create(toCreateRequest(form), id);
      api.nav.navigate(`/vms/${vm.uuid}`);
    } catch (err) {
      setError(toErrorInfo(err));
      setTaskId(null);
    }
  }

  const stepProps = { form, errors, set };
  const cap = hostCapacity(hardware.data, hostSummary);
  const warnings = overcommitWarnings(form, cap);
  return (
    <div class="page page-form" data-testid="page-vm-new">
      <HypervisorStatus />
      <div class="crumbs">
        <Link href="/vms">Virtual machines</Link> <span class="muted">/</span> Create VM
      </div>
      <Card title="Create a virtual machine" testId="vm-wizard">
        <div class="wizard-layout">
          <ol class="steps" data-testid="wizard-steps">
            {STEPS.map((s, i) => (
              <li
                key={s.id}
                class={i < index ? 'step-done' : ''}
                aria-current={s.id === step ? 'step' : undefined}
                data-step={s.id}
              >
                <span class="step-n">{i + 1}</span> {s.title}
              </li>
            ))}
          </ol>
          <form
            class="wizard-body"
            noValidate
            data-step={step}
            onSubmit={(e) => {
              e.preventDefault();
              if (step === 'review') void create();
              else next();
            }}
          >
            <ErrorMessage error={pools.error} testId="wizard-pools-error" />
            {step === 'basics' && <BasicsStep {...stepProps} offer={firmware.caps} />}
            {step === 'basics' && <HostFitNotes cap={cap} warnings={warnings} showHost />}
            {step === 'disks' && <PoolDefaultNote pool={defaultPool(pools.data ?? [])} />}
            {step === 'disks' && (
              <DisksStep {...stepProps} pools={pools.data} poolsLoading={pools.loading} images={images} />
            )}
            {step === 'cdrom' && <CdromStep {...stepProps} isos={isos} loading={isosLoading} />}
            {step === 'network' && (
              <NetworkStep
                {...stepProps}
                networks={networks.data}
                networksLoading={networksLoading}
                interfaces={hardware.data?.networkInterfaces ?? null}
                interfacesError={hardware.error}
              />
            )}
            {step === 'boot' && <BootStep {...stepProps} firmware={firmware} />}
            {step === 'cloudinit' && <CloudInitStep {...stepProps} />}
            {step === 'review' && <ReviewStep form={form} />}
            {step === 'review' && <CloudInitReview form={form} />}
            {step === 'review' && <HostFitNotes cap={cap} warnings={warnings} showHost={false} />}
            {step === 'network' && <ErrorMessage error={networks.error} testId="wizard-networks-error" />}
            <TaskProgress taskId={taskId} label="Creating the VM" />
            <ErrorMessage error={error} testId="wizard-error" />
            <div class="wizard-actions">
              <button
                type="button"
                class="btn btn-secondary"
                disabled={index === 0 || creating}
                onClick={() => setStep(STEPS[index - 1]?.id ?? 'basics')}
                data-testid="wizard-back"
              >
                Back
              </button>
              {step === 'review' ? (
                <BusyButton
                  type="submit"
                  variant="primary"
                  busy={creating}
                  busyText="Creating…"
                  testId="wizard-create"
                >
                  Create VM
                </BusyButton>
              ) : (
                <button type="submit" class="btn btn-primary" data-testid="wizard-next">
                  Next
                </button>
              )}
            </div>
          </form>
        </div>
      </Card>
    </div>
  );
}
