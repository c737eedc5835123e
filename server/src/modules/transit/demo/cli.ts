// `citypulse transit demo-feed | demo-positions | simulate`: the demo city's bus network, a simulated day of
// its buses as a positions file (replayed and scored like real data), and its buses driven live.
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { zipFiles } from '../gtfs/zip-writer.js';
import { CsvFileWriter } from '../accuracy/replay.js';
import { positionLine, POSITION_COLUMNS, POSITION_COLUMNS_WITH_STOPS } from '../tracking/positions.js';
import { demoNetworkFeed } from './network.js';
import { BusSimulator } from './simulator.js';

/** What the transit commands share with these. */
export interface DemoCommandHelpers {
  timetableOf(file: string): Promise<Timetable>;
  dayOption(text: string | undefined, option?: string): number | undefined;
}

export function registerDemoCommands(transit: Command, { timetableOf, dayOption }: DemoCommandHelpers) {
  transit.command('demo-feed')
    .description('write the demo city\'s generated bus network as a GTFS zip')
    .requiredOption('--out <feed.zip>', 'where to write it')
    .action((options: { out: string }) => {
      fs.writeFileSync(options.out, zipFiles(demoNetworkFeed()));
      process.stdout.write(`wrote ${options.out}; import it with: citypulse transit import ${options.out} --id haicheng\n`);
    });

  transit.command('demo-positions')
    .description('write a simulated day of the demo network\'s buses as a positions CSV, to replay and score like real data')
    .requiredOption('--out <positions.csv[.gz]>', 'where to write it (gzipped when the name ends in .gz)')
    .option('--day <date>', 'the service day (YYYY-MM-DD, in the network\'s Asia/Shanghai)', '2026-03-03')
    .option('--from <HH:MM>', 'local time of the first positions', '05:00')
    .option('--to <HH:MM>', 'local time before which the last positions are (up to 28:00, GTFS-style, for the night)', '24:00')
    .option('--every <seconds>', 'seconds between two positions of a bus', '30')
    .option('--seed <n>', 'random seed of the simulator', '1')
    .option('--stop-reports', 'also write the stop each bus stands at or heads to (current_stop_sequence, stop_id, current_status), as AVL systems with door sensors report it')
    .action(async (options: { out: string; day: string; from: string; to: string; every: string; seed: string; stopReports?: boolean }) => {
      const timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
      const day = dayOption(options.day, 'day')!;
      const clockTime = (text: string, option: string) => {
        const match = /^(\d{1,2}):(\d{2})$/.exec(text);
        if (!match || Number(match[1]) > 28 || Number(match[2]) > 59) throw new Error(`--${option} must be a local time HH:MM (up to 28:00), not "${text}"`);
        return timetable.clock.serviceDayStart(day) + Number(match[1]) * 3600 + Number(match[2]) * 60;
      };
      const from = clockTime(options.from, 'from'), to = clockTime(options.to, 'to');
      const every = Number(options.every), seed = Number(options.seed);
      if (!(to > from)) throw new Error('--to must be after --from');
      if (!Number.isInteger(every) || every < 1 || every > 3600) throw new Error(`--every must be whole seconds from 1 to 3600, not "${options.every}"`);
      if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not "${options.seed}"`);
      const stopReports = options.stopReports === true;
      const writer = new CsvFileWriter(options.out, stopReports ? POSITION_COLUMNS_WITH_STOPS : POSITION_COLUMNS);
      const bar = new cliProgress.SingleBar({ format: 'simulate | {bar} | {percentage}% of the day | {positions} positions', stream: process.stderr }, cliProgress.Presets.shades_classic);
      bar.start(to - from, 0, { positions: 0 });
      let last = from;
      for (const ping of new BusSimulator(timetable, { seed, stopReports }).positionsBetween(from, to, every)) {
        writer.write(positionLine(ping, stopReports));
        if (ping.time - last >= 600) { bar.update(ping.time - from, { positions: writer.rows }); last = ping.time; }
      }
      bar.update(to - from, { positions: writer.rows });
      bar.stop();
      await writer.close();
      process.stdout.write(`wrote ${writer.rows} positions of the demo network's buses (seed ${seed}) to ${options.out}; replay them with --gtfs from: citypulse transit demo-feed --out FEED.zip\n`);
    });

  transit.command('simulate')
    .description('drive the buses of a feed (e.g. the demo network) in real time, pushing GTFS-Realtime positions to a running CityPulse')
    .requiredOption('--gtfs <feed.zip>', 'the GTFS static feed the buses run')
    .option('--feed <id>', 'feed id on the server', 'haicheng')
    .option('--interval <seconds>', 'seconds between position reports', '10')
    .option('--seed <n>', 'random seed', '1')
    .option('--gps-only', 'report positions alone, without the stop each bus stands at or heads to')
    .option('--url <url>', 'CityPulse base URL', process.env.CITYPULSE_URL ?? 'http://localhost:8080')
    .option('--token <token>', 'bearer token with transit:ingest (or CITYPULSE_TOKEN)', process.env.CITYPULSE_TOKEN)
    .action(async (options: { gtfs: string; feed: string; interval: string; seed: string; gpsOnly?: boolean; url: string; token?: string }) => {
      if (!options.token) throw new Error('--token (or CITYPULSE_TOKEN) is required: an API token with the transit:ingest scope');
      const interval = Number(options.interval);
      if (!(interval >= 1)) throw new Error('--interval must be at least 1 second');
      const simulator = new BusSimulator(await timetableOf(options.gtfs), { seed: Number(options.seed), stopReports: !options.gpsOnly });
      const target = new URL(`/api/v1/transit/realtime?feed=${encodeURIComponent(options.feed)}`, options.url);
      for (;;) {
        const now = Math.floor(Date.now() / 1000);
        const message = simulator.feedMessageAt(now);
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` }, body: JSON.stringify(message) });
        const report = await response.json() as Record<string, unknown>;
        if (!response.ok) throw new Error(`CityPulse answered ${response.status}: ${JSON.stringify(report)}`);
        process.stderr.write(`${new Date(now * 1000).toISOString()} ${message.entity.length} buses: ${JSON.stringify(report)}\n`);
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      }
    });
}
