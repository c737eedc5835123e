import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { MOSQUITTO, startMosquitto } from '../../../test/mosquitto.js';
import { startMqttIngest, type MqttIngest } from './mqtt.js';

const PM25 = 'AIR_QUALITY.PM25';
if (!MOSQUITTO) console.warn('SKIPPED: MQTT ingest tests need Debian mosquitto (apt-get install mosquitto)');

describe.skipIf(!MOSQUITTO)('MQTT ingest with a real broker', () => {
  let server: TestServer;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let ingest: MqttIngest;
  let device: mqtt.MqttClient;

  beforeAll(async () => {
    server = await startServer();
    broker = await startMosquitto();
    ingest = await startMqttIngest(broker.url, server.app.vitals.service, pino({ level: 'silent' }));
    device = await mqtt.connectAsync(broker.url);
  });
  afterAll(async () => {
    await device?.endAsync();
    await ingest?.close();
    await broker?.stop();
    await server?.close();
  });

  /** QoS 1 is acknowledged hop by hop: the device's PUBACK comes from the broker, so wait for the commit. */
  const storedEventually = async (org: string, expected: number) => {
    for (let i = 0; i < 200 && (await stored(org)) < expected; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    return stored(org);
  };
  const stored = async (org: string) => {
    const [row] = await server.db.query<{ count: number }>(
      `select count(*)::int as count from vitals_observation o join org_unit u on u.id = o.org_id where u.code = $1`, [org]);
    return row.count;
  };

  it('stores observations published with QoS 1, with the topic naming the org', async () => {
    const ts = Date.now() - 60_000;
    await device.publishAsync('citypulse/vitals/nanhu', JSON.stringify([
      { indicator: PM25, ts, value: 33 },
      { indicator: PM25, ts: ts + 1000, value: 34 },
    ]), { qos: 1 });
    expect(await storedEventually('nanhu', 2)).toBe(2);
    await device.publishAsync('citypulse/vitals/sensors/42', `{"indicator":"${PM25}","org":"xigang","ts":${ts},"value":1}\n{"indicator":"${PM25}","org":"xigang","ts":${ts + 1},"value":2}`, { qos: 1 });
    expect(await storedEventually('xigang', 2)).toBe(2);
  });

  it('answers invalid payloads on the error topic and stores nothing', async () => {
    const errors: any[] = [];
    const listener = await mqtt.connectAsync(broker.url);
    await listener.subscribeAsync('citypulse/errors/#');
    listener.on('message', (_topic, payload) => errors.push(JSON.parse(payload.toString())));
    await device.publishAsync('citypulse/vitals/binjiang', JSON.stringify([{ indicator: PM25, ts: Date.now(), value: 'high' }]), { qos: 1 });
    await device.publishAsync('citypulse/vitals/binjiang', '{not json', { qos: 1 });
    for (let i = 0; i < 100 && errors.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors[0]['invalid-params']).toEqual([{ name: '/0/value', reason: 'must be a number' }]);
    expect(errors[1].code).toBe('malformed_body');
    expect(await stored('binjiang')).toBe(0);
    expect(ingest.rejected).toBe(2);
    await listener.endAsync();
  });
});
