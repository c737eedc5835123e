import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBeNull();
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.adminPassword).toBeNull();
    expect(config.transitDefaultFeed).toBeNull();
    expect(config.trustProxy).toBe(false);
    expect(config).toMatchObject({ transitMaxStreams: 10_000, transitMaxStreamsPerClient: 100 });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8,127.0.0.1'],
    ['::1', '::1'],
  ])('takes CITYPULSE_TRUST_PROXY=%s as %s', (raw, expected) => {
    expect(loadConfig({ CITYPULSE_TRUST_PROXY: raw }).trustProxy).toBe(expected);
  });

  it.each([
    ['PORT', 'eighty', /PORT: must be a whole number/],
    ['PORT', '70000', /PORT: must be between 0 and 65535/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL: is not a valid URL/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL: must use postgres: or postgresql:/],
    ['MQTT_URL', 'http://broker', /MQTT_URL: must use mqtt:/],
    ['CITYPULSE_TIMEZONE', 'Mars/Olympus', /CITYPULSE_TIMEZONE: is not an IANA time zone/],
    ['CITYPULSE_ADMIN_PASSWORD', 'short', /CITYPULSE_ADMIN_PASSWORD: must be at least 12 characters/],
    ['CITYPULSE_RAW_RETENTION_DAYS', '0', /CITYPULSE_RAW_RETENTION_DAYS: must be between 1/],
    ['CITYPULSE_TRANSIT_DEFAULT_FEED', 'my feed', /CITYPULSE_TRANSIT_DEFAULT_FEED: "my feed" is not a feed id/],
    ['CITYPULSE_TRUST_PROXY', 'yes', /CITYPULSE_TRUST_PROXY: "yes" is not an address or CIDR range/],
    ['CITYPULSE_TRANSIT_MAX_STREAMS', '0', /CITYPULSE_TRANSIT_MAX_STREAMS: must be between 1/],
  ])('refuses a bad %s (%s) naming the variable and the reason', (name, value, message) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as Error).message).toMatch(message);
  });

  it('accepts good values', () => {
    const config = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u:p@db:5432/city', MQTT_URL: 'mqtt://broker:1883', CITYPULSE_TIMEZONE: 'Europe/Berlin', CITYPULSE_TRANSIT_DEFAULT_FEED: 'metro' });
    expect(config).toMatchObject({ transitDefaultFeed: 'metro', port: 9000, databaseUrl: 'postgres://u:p@db:5432/city', mqttUrl: 'mqtt://broker:1883', timezone: 'Europe/Berlin' });
  });
});
