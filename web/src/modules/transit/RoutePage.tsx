// /go/routes/:id — a route's line diagram: per direction, the stops in order and the buses on the way,
// with bunched buses (closer than a quarter of the scheduled headway) and big gaps (over 1.5 times)
// marked; a bus waiting at its first stop before its time (a layover) is shown as waiting, with the time
// it leaves, and is in no gap. The operator's service alerts for the line (a detour, a stop closed) come
// first. The strip drawing is decoration for sighted users; the same facts are in the text: a summary
// per direction and the stop list with the buses approaching each stop.
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LoadingOrError, PassengerLayout, ServiceAlerts, useClockText, useDelayText, useFeed } from './common';
import { transitQueries } from './queries';
import type { DiagramDirection, DiagramVehicle } from './types';

const minutes = (seconds: number) => Math.max(0, Math.round(seconds / 60));

export function RoutePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { feed } = useFeed();
  const diagram = useQuery(transitQueries.route(id, feed));
  const line = diagram.data ? t('transit.line', { name: diagram.data.route.shortName || diagram.data.route.id }) : '';

  useEffect(() => {
    if (line) document.title = t('transit.route.title', { line });
  }, [line, t]);

  return (
    <PassengerLayout feed={diagram.data?.feed}>
      <LoadingOrError query={diagram} notFound={{ title: t('transit.route.notFoundTitle'), text: t('transit.route.notFound', { id }), back: t('transit.route.allRoutes') }} unavailable={t('transit.route.unavailable')}>
        {diagram.data && (
          <>
            <h1>{t('transit.route.title', { line })}{diagram.data.route.longName && <span className="route-long-name">{diagram.data.route.longName}</span>}</h1>
            <ServiceAlerts alerts={diagram.data.alerts} />
            <div className="diagram-legend" aria-hidden="true">
              <span><span className="legend-bus" /> {t('transit.route.legendBus')}</span>
              <span><span className="legend-bunching" /> {t('transit.route.legendBunching')}</span>
              <span><span className="legend-gap" /> {t('transit.route.legendGap')}</span>
            </div>
            {diagram.data.directions.map((direction) => <Direction key={direction.directionId} direction={direction} timeZone={diagram.data.timeZone} feed={diagram.data.feed} />)}
          </>
        )}
      </LoadingOrError>
    </PassengerLayout>
  );
}

function Direction({ direction, timeZone, feed }: { direction: DiagramDirection; timeZone: string; feed: string }) {
  const { t } = useTranslation();
  // The route's own feed, which the server found when the address named none.
  const { withFeed } = useFeed(feed);
  const delayText = useDelayText();
  const clockText = useClockText(timeZone);
  const waiting = direction.vehicles.filter((vehicle) => vehicle.waitingUntil !== null).length;
  const headingId = `direction-${direction.directionId}`;
  const bunching = direction.vehicles.filter((vehicle) => vehicle.gapAhead === 'bunching').length;
  const gaps = direction.vehicles.filter((vehicle) => vehicle.gapAhead === 'gap').length;
  const approaching = new Map<number, DiagramVehicle[]>();
  const standing = new Map<number, DiagramVehicle[]>();
  // Listed in the direction of travel, each bus above the stop it approaches (the one nearest the stop
  // last); a bus waiting at the first stop, or one its operator reports standing at a stop, below that
  // stop's name: it is there, not on its way to it or to the next.
  for (const vehicle of [...direction.vehicles].reverse()) {
    const here = vehicle.waitingUntil !== null ? 0 : vehicle.standingAt;
    const [list, at] = here !== null ? [standing, here] : [approaching, vehicle.nextStop];
    list.set(at, [...(list.get(at) ?? []), vehicle]);
  }
  const vehicleList = (vehicles: DiagramVehicle[] | undefined, stopName: string, where: 'approaching' | 'at') => (vehicles?.length ? (
    <ul className={`stop-line-vehicles stop-line-vehicles-${where}`}>
      {vehicles.map((vehicle) => (
        <li key={vehicle.vehicleId} className={`line-vehicle gap-${vehicle.waitingUntil !== null ? 'waiting' : vehicle.gapAhead ?? 'lead'}`} data-vehicle={vehicle.vehicleId} data-gap={vehicle.gapAhead ?? ''} data-waiting={vehicle.waitingUntil !== null ? 'true' : undefined} data-standing={where === 'at' && vehicle.waitingUntil === null ? 'true' : undefined}>
          <span className="bus-icon" aria-hidden="true">▲</span>
          {vehicleText(vehicle, stopName)}
        </li>
      ))}
    </ul>
  ) : null);
  const statusText = (vehicle: DiagramVehicle) => (vehicle.gapAhead ? t(`transit.route.${vehicle.gapAhead}`) : '');
  const vehicleText = (vehicle: DiagramVehicle, stopName: string) => (vehicle.waitingUntil !== null
    ? t('transit.route.waitingText', { id: vehicle.vehicleId, stop: stopName, time: clockText(vehicle.waitingUntil * 1000) })
    : t(vehicle.standingAt !== null ? 'transit.route.standingText' : 'transit.route.vehicleText', {
      id: vehicle.vehicleId, stop: stopName, delay: delayText(vehicle.delaySeconds),
      gap: vehicle.gapAheadSeconds === null ? '' : t('transit.route.gapText', { minutes: minutes(vehicle.gapAheadSeconds), status: statusText(vehicle) }),
    }));

  return (
    <section className="direction" aria-labelledby={headingId} data-direction={direction.directionId}>
      <h2 id={headingId}>{t('transit.route.direction', { headsign: direction.headsign })}</h2>
      <p className="direction-meta">
        <span>{t('transit.route.stops', { count: direction.stops.length })}</span>
        <span>{t('transit.route.length', { km: (direction.length / 1000).toFixed(1) })}</span>
        <span>{direction.scheduledHeadway ? t('transit.route.headway', { minutes: minutes(direction.scheduledHeadway) }) : t('transit.route.noHeadway')}</span>
        <span>{direction.vehicles.length ? t('transit.route.vehicles', { count: direction.vehicles.length }) : t('transit.route.noVehicles')}</span>
      </p>
      <p className="direction-summary" data-testid="direction-summary">
        {t('transit.route.summary', { headsign: direction.headsign, stops: direction.stops.length, vehicles: direction.vehicles.length, bunching, gaps })}
        {waiting > 0 && ` ${t('transit.route.waitingSummary', { count: waiting })}`}
      </p>
      <Strip direction={direction} />
      <h3 className="sr-only">{t('transit.route.stopList')}</h3>
      <ol className="stop-line">
        {direction.stops.map((stop, index) => (
          <li key={`${stop.id}:${index}`} className="stop-line-stop">
            {vehicleList(approaching.get(index), stop.name, 'approaching')}
            <span className="stop-line-point"><Link to={withFeed(`/go/stops/${encodeURIComponent(stop.id)}`)} className="stop-line-name">{stop.name}</Link></span>
            {vehicleList(standing.get(index), stop.name, 'at')}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The direction as a strip: stops as ticks, buses as triangles, bunched and gapped spans coloured. */
function Strip({ direction }: { direction: DiagramDirection }) {
  const width = 1000;
  const pad = 20;
  const x = (along: number) => pad + (direction.length > 0 ? (along / direction.length) * (width - 2 * pad) : 0);
  const ordered = direction.vehicles; // leader first, the buses waiting at the first stop last
  const onTheirWay = ordered.filter((vehicle) => vehicle.waitingUntil === null);
  return (
    <svg className="route-strip" viewBox={`0 0 ${width} 64`} aria-hidden="true" focusable="false">
      <line x1={x(0)} x2={x(direction.length)} y1={40} y2={40} className="strip-line" />
      {onTheirWay.slice(1).map((vehicle, i) => vehicle.gapAhead && vehicle.gapAhead !== 'regular' && (
        <line key={vehicle.vehicleId} x1={x(vehicle.along)} x2={x(onTheirWay[i]!.along)} y1={40} y2={40} className={`strip-${vehicle.gapAhead}`} />
      ))}
      {direction.stops.map((stop, i) => <circle key={`${stop.id}:${i}`} cx={x(stop.distance)} cy={40} r={4} className="strip-stop" />)}
      {ordered.map((vehicle) => (
        <path key={vehicle.vehicleId} d={`M ${x(vehicle.along)} 30 l -8 -16 h 16 z`} className={`strip-bus strip-bus-${vehicle.waitingUntil !== null ? 'waiting' : vehicle.gapAhead ?? 'lead'}`} />
      ))}
    </svg>
  );
}
