/**
 * deploy/99-hark.rules, generated from the board profiles' USB ids (one source: the profiles; `npm run
 * docs` rewrites the file and a test fails when it is stale). Every hark board gets a `/dev/hark-*` link
 * named after the USB port it is plugged into — vendor and product id, bus number and port chain
 * (`/dev/hark-10c4-ea60-usb1-1.2`) — so two identical boards that report the same serial number (cheap
 * CP2102 boards all say 0001) or none (CH340) still get one link each, and a board keeps its name as long
 * as it stays in its port. The board's identity is its HELLO uid, which hark uses as the board id.
 */
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';

/** The rule file's text for these profiles. */
export function renderUdevRules(profiles: Iterable<BoardProfile>): string {
  const ids = new Map<string, { bridges: string[]; profiles: string[] }>();
  for (const p of profiles)
    for (const u of p.usb) {
      const key = `${u.vendorId.toLowerCase()}:${u.productId.toLowerCase()}`;
      const e = ids.get(key) ?? { bridges: [], profiles: [] };
      if (!e.bridges.includes(u.bridge)) e.bridges.push(u.bridge);
      if (!e.profiles.includes(p.id)) e.profiles.push(p.id);
      ids.set(key, e);
    }
  const rules = [...ids.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, e]) => {
      const [vid, pid] = key.split(':') as [string, string];
      return [
        `# ${e.bridges.join('; ')} (${e.profiles.join(', ')})`,
        `SUBSYSTEM=="tty", ATTRS{idVendor}=="${vid}", ATTRS{idProduct}=="${pid}", MODE="0660", GROUP="dialout", SYMLINK+="hark-${vid}-${pid}-usb$attr{busnum}-$attr{devpath}"`,
      ];
    });
  return `${[
    '# udev rules for hark boards — generated from boards/profiles/*.json by `npm run docs`; do not edit.',
    '# Each board gets /dev/hark-<vendor>-<product>-usb<bus>-<port>, e.g. /dev/hark-10c4-ea60-usb1-1.2: named',
    '# after the USB port it is plugged into, so identical boards with the same serial number (or none) never',
    '# share a link. The dialout group may open them (the hark service user is in it).',
    '# Install: sudo cp deploy/99-hark.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger',
    '# ($attr{busnum} and $attr{devpath} are read from the USB device the ATTRS{} tests matched.)',
    '',
    ...rules,
  ].join('\n')}\n`;
}
