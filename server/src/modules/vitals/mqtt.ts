// Device ingest over MQTT: the same payloads as POST /observations, on `citypulse/vitals/#`.
// QoS 1 is acknowledged hop by hop: the broker acknowledges the device, and CityPulse, subscribed with a
// persistent session, acknowledges the broker only after the observations are committed. A crash before
// the commit leaves the message with the broker, which redelivers it; ingest is idempotent, so a
// redelivered message changes nothing. The last topic level, when it names an org unit, is the
// default org of the items (`citypulse/vitals/huangpu`). Invalid payloads are answered on
// `citypulse/errors/<topic>` as problem details, and counted.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { VitalsService } from './service.js';
import { parseNdjson } from './ingest.js';
import { problemBody, ProblemError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problems.js';

export const MQTT_TOPIC = 'citypulse/vitals/#';

export interface MqttIngest {
  client: MqttClient;
  received: number;
  rejected: number;
  close(): Promise<void>;
}

function decode(payload: Buffer): unknown {
  const text = payload.toString('utf8').trim();
  if (text.startsWith('[')) return JSON.parse(text);
  if (text.startsWith('{') && !text.includes('\n')) return [JSON.parse(text)];
  return parseNdjson(text);
}

export async function startMqttIngest(url: string, vitals: VitalsService, logger: Logger, clientId = `citypulse-vitals-${process.pid}`): Promise<MqttIngest> {
  // With a stable client id (config MQTT_CLIENT_ID) the broker hands the same persistent session back after
  // a restart, with whatever was not yet acknowledged.
  const client = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 2000 });
  const state: MqttIngest = {
    client,
    received: 0,
    rejected: 0,
    close: () => new Promise((resolve) => client.end(false, {}, () => resolve())),
  };
  client.handleMessage = (packet, done) => {
    const topic = packet.topic;
    const last = topic.split('/').pop() ?? '';
    const org = vitals.org(last) ? last : vitals.rootOrgCode();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    Promise.resolve()
      .then(() => vitals.ingest(decode(payload), { orgCode: org }))
      .then((result) => {
        state.received += result.stored;
        done();
      })
      .catch((error) => {
        state.rejected++;
        const problem = error instanceof SyntaxError
          ? new ProblemError(400, 'malformed_body', 'Malformed body', error.message, [{ name: 'body', reason: 'not valid JSON' }])
          : toProblem(error);
        logger.warn({ topic, problem: problem.message }, 'MQTT observations rejected');
        // Invalid input is acknowledged too: redelivering it would fail the same way forever.
        if (problem.status < 500) {
          client.publish(`citypulse/errors/${topic}`, JSON.stringify(problemBody(problem)), { qos: 0 });
          done();
        } else {
          done(error as Error);
        }
      });
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`cannot connect to MQTT_URL: ${error.message}`));
    client.once('error', onError);
    client.once('connect', () => {
      client.off('error', onError);
      client.subscribe(MQTT_TOPIC, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
    });
  });
  client.on('error', (error) => logger.warn({ err: error }, 'MQTT error'));
  logger.info({ url: url.replace(/\/\/[^@]*@/, '//***@'), topic: MQTT_TOPIC }, 'MQTT ingest subscribed');
  return state;
}
