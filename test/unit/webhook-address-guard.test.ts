/** The server-side request forgery guard: which addresses a webhook may reach, and which URL goes where. */
import { describe, expect, it } from 'vitest';
import { addressVerdict, isAllowedAddress, resolveTarget, type Resolver } from '#shared/webhooks/address-guard.ts';

const resolvesTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const nowhere: Resolver = async () => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};
const PUBLIC = resolvesTo('93.184.215.14');

describe('addressVerdict', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'special'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'special'],
    ['198.19.255.255', 'special'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
  ])('refuses IPv4 %s (%s)', (ip, verdict) => {
    expect(addressVerdict(ip)).toBe(verdict);
  });

  it.each(['1.1.1.1', '8.8.8.8', '93.184.215.14', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.169.0.1', '198.17.255.255', '198.20.0.0', '223.255.255.255', '11.0.0.1', '126.255.255.255', '128.0.0.1', '169.253.255.255', '169.255.0.1'])(
    'allows public IPv4 %s',
    (ip) => {
      expect(addressVerdict(ip)).toBeNull();
      expect(isAllowedAddress(ip)).toBe(true);
    },
  );

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'link_local'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'special'], // Teredo
    ['100::1', 'reserved'], // discard-only
    ['64:ff9b:1::1', 'reserved'], // local-use NAT64
    ['::8.8.8.8', 'special'], // IPv4-compatible (deprecated)
    ['::ffff:0:8.8.8.8', 'special'], // IPv4-translated
  ])('refuses IPv6 %s (%s)', (ip, verdict) => {
    expect(addressVerdict(ip)).toBe(verdict);
  });

  it('judges IPv4-mapped addresses by their IPv4 address, in either spelling', () => {
    expect(addressVerdict('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressVerdict('::ffff:7f00:1')).toBe('loopback');
    expect(addressVerdict('::FFFF:7F00:0001')).toBe('loopback');
    expect(addressVerdict('0:0:0:0:0:ffff:169.254.169.254')).toBe('link_local');
    expect(addressVerdict('::ffff:a9fe:a9fe')).toBe('link_local');
    expect(addressVerdict('::ffff:10.1.2.3')).toBe('private');
    expect(addressVerdict('::ffff:0.0.0.0')).toBe('unspecified');
    expect(addressVerdict('::ffff:8.8.8.8')).toBeNull();
  });

  it('judges NAT64 and 6to4 addresses by the IPv4 address inside', () => {
    expect(addressVerdict('64:ff9b::127.0.0.1')).toBe('loopback');
    expect(addressVerdict('64:ff9b::a9fe:a9fe')).toBe('link_local');
    expect(addressVerdict('64:ff9b::8.8.8.8')).toBeNull();
    expect(addressVerdict('2002:7f00:1::1')).toBe('loopback');
    expect(addressVerdict('2002:c0a8:101::1')).toBe('private');
    expect(addressVerdict('2002:808:808::1')).toBeNull();
  });

  it('allows global unicast IPv6', () => {
    for (const ip of ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:4860:4860::8888']) expect(addressVerdict(ip)).toBeNull();
  });

  it('refuses what is not an address', () => {
    for (const ip of ['', 'localhost', '1.2.3', '1.2.3.256', '::ffff:1.2.3', '1:2:3:4:5:6:7:8:9', 'gggg::1']) expect(addressVerdict(ip)).toBe('invalid');
  });
});

describe('resolveTarget', () => {
  const aws = { allowLocalHttp: false };

  it('connects to the checked address, keeping the URL host for Host and TLS', async () => {
    const target = await resolveTarget('https://hooks.example.com:8443/in?x=1', { ...aws, resolver: PUBLIC });
    expect(target).toMatchObject({ ok: true, host: 'hooks.example.com', address: '93.184.215.14', family: 4 });
    expect(target.ok && target.url.port).toBe('8443');
  });

  it('refuses a name that resolves to 127.0.0.1, or to any forbidden address among public ones', async () => {
    expect(await resolveTarget('https://evil.example.com/', { ...aws, resolver: resolvesTo('127.0.0.1') })).toMatchObject({ ok: false, error_class: 'address_refused', reason: 'loopback' });
    expect(await resolveTarget('https://evil.example.com/', { ...aws, resolver: resolvesTo('93.184.215.14', '10.0.0.5') })).toMatchObject({ ok: false, error_class: 'address_refused', reason: 'private' });
    expect(await resolveTarget('https://evil.example.com/', { ...aws, resolver: resolvesTo('2606:4700::1', '::ffff:169.254.169.254') })).toMatchObject({ ok: false, reason: 'link_local' });
    expect(await resolveTarget('https://evil.example.com/', { ...aws, resolver: resolvesTo('fd00::1') })).toMatchObject({ ok: false, reason: 'private' });
  });

  it('says dns when the name does not resolve', async () => {
    expect(await resolveTarget('https://nowhere.example/', { ...aws, resolver: nowhere })).toMatchObject({ ok: false, error_class: 'dns' });
    expect(await resolveTarget('https://nowhere.example/', { ...aws, resolver: resolvesTo() })).toMatchObject({ ok: false, error_class: 'dns' });
  });

  it('judges IP-literal hosts without a lookup, as the URL parser normalised them', async () => {
    const never: Resolver = async () => {
      throw new Error('an IP literal must not be looked up');
    };
    for (const url of ['https://127.0.0.1/', 'https://2130706433/', 'https://0x7f000001/', 'https://0x7f.1/', 'https://127.1/', 'https://017700000001/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:7f00:1]:8443/', 'https://169.254.169.254/latest/meta-data/', 'https://[fe80::1]/', 'https://0/', 'https://[::]/']) {
      expect(await resolveTarget(url, { ...aws, resolver: never }), url).toMatchObject({ ok: false, error_class: 'address_refused' });
    }
    expect(await resolveTarget('https://[2606:4700:4700::1111]/hook', { ...aws, resolver: never })).toMatchObject({ ok: true, host: '2606:4700:4700::1111', address: '2606:4700:4700::1111', family: 6 });
    expect(await resolveTarget('https://134744072/', { ...aws, resolver: never })).toMatchObject({ ok: true, host: '8.8.8.8', address: '8.8.8.8' });
  });

  it('refuses credentials in the URL, whatever host they try to hide', async () => {
    expect(await resolveTarget('https://user:pass@hooks.example.com/', { ...aws, resolver: PUBLIC })).toMatchObject({ ok: false, error_class: 'address_refused' });
    // The host after the @ is the real one: 127.0.0.1, refused for its address alone.
    expect(await resolveTarget('https://hooks.example.com@127.0.0.1/', { ...aws, resolver: PUBLIC })).toMatchObject({ ok: false, error_class: 'address_refused' });
  });

  it('takes https only in AWS; http, odd schemes and non-URLs are refused', async () => {
    for (const url of ['http://hooks.example.com/', 'http://127.0.0.1:3000/', 'http://localhost/', 'ftp://hooks.example.com/', 'file:///etc/passwd', 'gopher://hooks.example.com/', 'not a url', '//hooks.example.com/']) {
      expect(await resolveTarget(url, { ...aws, resolver: PUBLIC }), url).toMatchObject({ ok: false, error_class: 'address_refused' });
    }
  });

  it('in local mode, lets http://127.0.0.1, localhost and [::1] through, and nothing else private', async () => {
    const local = { allowLocalHttp: true, resolver: resolvesTo('127.0.0.1') };
    expect(await resolveTarget('http://127.0.0.1:8123/hooks', local)).toMatchObject({ ok: true, address: '127.0.0.1', host: '127.0.0.1' });
    expect(await resolveTarget('http://localhost:8123/', local)).toMatchObject({ ok: true, address: '127.0.0.1', host: 'localhost' });
    expect(await resolveTarget('http://[::1]:8123/', local)).toMatchObject({ ok: true, address: '::1', family: 6 });
    // Only those names: another loopback, a private address, or a name resolving to loopback are still refused.
    expect(await resolveTarget('http://127.0.0.2:8123/', local)).toMatchObject({ ok: false });
    expect(await resolveTarget('https://127.0.0.2/', local)).toMatchObject({ ok: false, reason: 'loopback' });
    expect(await resolveTarget('http://10.0.0.1/', local)).toMatchObject({ ok: false });
    expect(await resolveTarget('http://evil.example.com/', local)).toMatchObject({ ok: false });
    expect(await resolveTarget('https://evil.example.com/', local)).toMatchObject({ ok: false, reason: 'loopback' });
    expect(await resolveTarget('http://2130706433:8123/', local)).toMatchObject({ ok: true, address: '127.0.0.1' });
  });
});
