// contract §10: a client's allowedIpAddresses, each an IPv4 or IPv6 address or a CIDR range (`10.0.0.0/8`).
import { BlockList, isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

interface AllowedEntry {
  address: string;
  family: 'ipv4' | 'ipv6';
  prefix: number | undefined;
}

/** An entry as the allow list reads it; undefined when it is neither an address nor a CIDR range. */
export function parseAllowedAddress(text: string): AllowedEntry | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const maxPrefix = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? undefined : Number(prefixText);
  if (prefix !== undefined && prefix > maxPrefix) return undefined;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6', prefix };
}

/** Whether a peer address is one the list allows (IPv4-mapped IPv6 peers count as their IPv4 address). */
export function isAddressAllowed(allowed: readonly string[], peer: string): boolean {
  const list = new BlockList();
  for (const text of allowed) {
    const entry = parseAllowedAddress(text);
    if (entry === undefined) continue;
    if (entry.prefix === undefined) list.addAddress(entry.address, entry.family);
    else list.addSubnet(entry.address, entry.prefix, entry.family);
  }
  const address = peer.replace(/%.*$/, '');
  const mapped = MAPPED_IPV4.exec(address)?.[1];
  if (mapped !== undefined) return list.check(mapped, 'ipv4');
  return isIP(address) === 0 ? false : list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}
