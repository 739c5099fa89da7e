/**
 * `alarm:*` and `ops:health`: the control room. Alarms and the health report go to staff; an alarm is
 * acknowledged in the name of the key the socket presented; rules change for every city.
 */
import { RequestError, type Handlers } from './door.ts';
import type { GatewayContext, LiveSocket } from './liveTypes.ts';
import { connectionOf } from './liveHandlers.ts';

/** The staff member behind a socket; the door already checked the capability, this is the name. */
function staffIdOf(socket: LiveSocket): string {
  const { staffId } = socket.data;
  if (staffId === undefined) throw new RequestError('forbidden', 'for staff; connect with an access key');
  return staffId;
}

export function alarmHandlers(
  context: GatewayContext,
): Handlers<'alarm:list' | 'alarm:ack' | 'alarm:rule' | 'ops:health'> {
  const service = () => {
    if (!context.alarms) throw new RequestError('not-found', 'alarms are off on this server');
    return context.alarms;
  };
  return {
    'alarm:list': (socket) => service().list(socket.data.cityId),
    'alarm:ack': (socket, request) => service().acknowledge(socket.data.cityId, request, staffIdOf(socket)),
    'alarm:rule': (_socket, rule) => service().setRule(rule),
    'ops:health': (socket) => {
      const reporter = context.health;
      if (!reporter) throw new RequestError('not-found', 'not available on this server');
      return reporter.report(socket.data.cityId, connectionOf(socket).hub, context.clock.now());
    },
  };
}
