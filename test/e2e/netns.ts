// Two "hosts" in network namespaces, each joined to a bridge in the root namespace by a
// veth pair (../shared/BROWSERS.md). The bridge carries an address of the root namespace,
// where the signaling server listens. Cutting a host's veth off the bridge blacks out its
// path (signaling and media) while its interface stays up, as on a real outage.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const tryIp = (...args: string[]) => {
  try {
    ip(...args);
  } catch {
    /* already gone */
  }
};

export interface Host {
  ns: string;
  address: string;
  /** The veth end on the bridge: detach it to cut the host off. */
  bridgePort: string;
  /** A Chromium that runs inside this namespace (an executablePath for playwright-core). */
  chromium: string;
}

export interface Topology {
  bridgeAddress: string;
  hosts: Host[];
  cut(host: Host): void;
  restore(host: Host): void;
  destroy(): void;
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (CI runs as root): run npm test as root');
}

/** Builds the bridge and `count` namespaces. `id` (0-250) keeps names and subnets apart. */
export function createTopology(id: number, count: number, chromium: string): Topology {
  requireRoot();
  const bridge = `pcbr${id}`;
  const subnet = `10.77.${id}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'peer-call-netns-'));
  const hosts: Host[] = [];
  const removeLinks = () => {
    for (let i = 0; i < count; i++) {
      tryIp('link', 'del', `pc${id}v${i}`);
      tryIp('netns', 'del', `pc${id}h${i}`);
    }
    tryIp('link', 'del', bridge);
  };
  const destroy = () => {
    removeLinks();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    removeLinks(); // leftovers of an interrupted run
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `pc${id}h${i}`;
      const outside = `pc${id}v${i}`;
      const inside = `pc${id}i${i}`;
      const address = `${subnet}.${i + 2}`;
      ip('netns', 'add', ns);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', ns);
      ip('link', 'set', outside, 'master', bridge);
      ip('link', 'set', outside, 'up');
      ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', inside);
      ip('netns', 'exec', ns, 'ip', 'link', 'set', inside, 'up');
      ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
      const wrapper = path.join(dir, `chromium-${ns}`);
      writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${chromium} "$@"\n`);
      chmodSync(wrapper, 0o755);
      hosts.push({ ns, address, bridgePort: outside, chromium: wrapper });
    }
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    bridgeAddress: `${subnet}.1`,
    hosts,
    cut: (h) => ip('link', 'set', h.bridgePort, 'nomaster'),
    restore: (h) => ip('link', 'set', h.bridgePort, 'master', bridge),
    destroy,
  };
}
