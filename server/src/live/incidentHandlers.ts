/**
 * `incident:*`: everyone lists the incidents they may see (staff all, the others the public ones);
 * staff mark, change and remove them. Who marked an incident is a staff member's key id: the public
 * sees the display name the config gives that key, or nothing.
 */
import type { Incident } from '../../../protocol/index.ts';
import { can } from '../../../protocol/index.ts';
import type { AccessKeyRing } from '../auth/accessKeys.ts';
import { RequestError, type Handlers } from './door.ts';
import type { GatewayContext } from './liveTypes.ts';

/** An incident as someone without `staff:identities` sees it. */
export function publicIncident(incident: Incident, names: AccessKeyRing): Incident {
  return {
    ...incident,
    createdBy: names.publicNameOf(incident.createdBy),
    updatedBy: names.publicNameOf(incident.updatedBy),
  };
}

export function incidentHandlers(
  context: GatewayContext,
): Handlers<'incident:list' | 'incident:save' | 'incident:remove'> {
  const service = () => {
    if (!context.incidents) throw new RequestError('not-found', 'incidents are off on this server');
    return context.incidents;
  };
  return {
    'incident:list': (socket) => {
      const { cityId, role } = socket.data;
      const list = service().list(cityId, can(role, 'incidents:internal'));
      return can(role, 'staff:identities')
        ? list
        : list.map((incident) => publicIncident(incident, context.accessKeyRing));
    },
    'incident:save': (socket, input) => {
      const { staffId } = socket.data;
      if (staffId === undefined) throw new RequestError('forbidden', 'for staff; connect with an access key');
      return service().save(socket.data.cityId, input, staffId);
    },
    'incident:remove': (socket, id) => service().remove(socket.data.cityId, id),
  };
}
