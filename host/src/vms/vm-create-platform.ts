import { AppError, type FirmwareCapabilities, OS_PRESETS, type VmCreateRequest } from '@quantix/shared';
import type { DomainSpec } from '../libvirt-xml/domain-xml.ts';

export type PlatformSpec = Pick<
  DomainSpec,
  'diskBus' | 'nicModel' | 'firmware' | 'secureBoot' | 'tpm' | 'clock' | 'hyperv' | 'guestAgent'
>;

/** Where no firmware probe runs (services built without one): everything offered, libvirt decides. */
export const UNCHECKED_PLATFORM: FirmwareCapabilities = {
  virtType: 'qemu',
  probing: false,
  uefi: { available: true, reason: 'not checked' },
  secureBoot: { available: true, reason: 'not checked' },
  tpm: { available: true, reason: 'not checked' },
  hyperv: { level: 'off', reason: 'not checked' },
};

/**
 * The platform of a new VM: what the request says, else its OS preset's defaults, checked against
 * what this host offers. What the admin asked for and the host cannot give is refused (with the
 * probe's reason); a preset's default the host cannot give is left out and said in `notes`.
 */
export function resolvePlatform(
  req: VmCreateRequest,
  caps: FirmwareCapabilities,
): { spec: PlatformSpec; notes: string[] } {
  const preset = OS_PRESETS[req.os ?? 'other'];
  const notes: string[] = [];
  const pick = (
    what: string,
    asked: boolean | undefined,
    dflt: boolean,
    offer: { available: boolean; reason: string | null },
  ): boolean => {
    if (asked === true && !offer.available) {
      throw new AppError('VALIDATION_FAILED', `${what} is not available on this host: ${offer.reason}`);
    }
    if (asked === undefined && dflt && !offer.available) {
      notes.push(`no ${what} (${offer.reason})`);
      return false;
    }
    return asked ?? dflt;
  };
  const uefi = pick(
    'UEFI firmware',
    req.firmware ? req.firmware === 'uefi' : undefined,
    preset.firmware === 'uefi',
    caps.uefi,
  );
  if (!uefi && req.secureBoot) throw new AppError('VALIDATION_FAILED', 'Secure Boot needs UEFI firmware');
  const secureBoot = uefi && pick('Secure Boot', req.secureBoot, preset.secureBoot, caps.secureBoot);
  const tpm = pick('TPM 2.0', req.tpm, preset.tpm, caps.tpm);
  const hyperv = preset.hyperv ? caps.hyperv.level : 'off';
  if (preset.hyperv && hyperv !== 'full' && caps.virtType === 'kvm') {
    notes.push(`Hyper-V enlightenments: ${hyperv} (${caps.hyperv.reason})`);
  }
  return {
    spec: {
      diskBus: req.diskBus ?? preset.diskBus,
      nicModel: req.nicModel ?? preset.nicModel,
      firmware: uefi ? 'uefi' : 'bios',
      secureBoot,
      tpm,
      clock: preset.clock,
      hyperv,
      guestAgent: req.guestAgent ?? true,
    },
    notes,
  };
}
