/**
 * `scenario:*`: everyone lists, reads and comments on what they may see (the public: published
 * scenarios and approved comments); staff see drafts and versions; planners and admins save, remove
 * and moderate. Who saved a scenario or moderated a comment is a staff member's key id: the public
 * sees the display name the config gives that key, or nothing.
 *
 * Comments wait for moderation. Besides the door's rate for comments, one address may have only so
 * many comments waiting at once, so one sender cannot fill the queue every visitor's comment joins
 * (the count lives in memory: a restart forgets it, moderation frees it).
 */
import type { Role, Scenario, ScenarioComment } from '../../../protocol/index.ts';
import { can } from '../../../protocol/index.ts';
import type { AccessKeyRing } from '../auth/accessKeys.ts';
import { RequestError, type Handlers } from './door.ts';
import type { GatewayContext, LiveSocket } from './liveTypes.ts';

type ScenarioEvent =
  | 'scenario:list'
  | 'scenario:get'
  | 'scenario:versions'
  | 'scenario:save'
  | 'scenario:remove'
  | 'scenario:comment'
  | 'scenario:comments'
  | 'scenario:moderate';

/** Comments one address may have waiting for moderation at once. */
export const MAX_PENDING_COMMENTS_PER_ADDRESS = 20;

/** A scenario as someone without `staff:identities` sees it. */
export function publicScenario(scenario: Scenario, names: AccessKeyRing): Scenario {
  return {
    ...scenario,
    createdBy: names.publicNameOf(scenario.createdBy),
    savedBy: names.publicNameOf(scenario.savedBy),
  };
}

function publicComment(comment: ScenarioComment, names: AccessKeyRing): ScenarioComment {
  return { ...comment, moderatedBy: names.publicNameOf(comment.moderatedBy) };
}

export function scenarioHandlers(context: GatewayContext): Handlers<ScenarioEvent> {
  const names = context.accessKeyRing;
  const service = () => {
    if (!context.scenarios) throw new RequestError('not-found', 'scenarios are off on this server');
    return context.scenarios;
  };
  const staffIdOf = (socket: LiveSocket) => {
    const { staffId } = socket.data;
    if (staffId === undefined)
      throw new RequestError('forbidden', 'for planners; connect with an access key');
    return staffId;
  };
  const identities = (role: Role) => can(role, 'staff:identities');
  /** Pending comments by the address they came from: comment id → scenario id. */
  const pendingByAddress = new Map<string, Map<string, string>>();
  const forget = (gone: (commentId: string, scenarioId: string) => boolean) => {
    for (const [address, pending] of pendingByAddress) {
      for (const [commentId, scenarioId] of pending)
        if (gone(commentId, scenarioId)) pending.delete(commentId);
      if (pending.size === 0) pendingByAddress.delete(address);
    }
  };
  const addressOf = (socket: LiveSocket) => socket.data.address ?? socket.handshake.address;
  return {
    'scenario:list': (socket) => {
      const { cityId, role } = socket.data;
      const list = service().list(cityId, role);
      return identities(role) ? list : list.map((s) => ({ ...s, savedBy: names.publicNameOf(s.savedBy) }));
    },
    'scenario:get': (socket, request) => {
      const { cityId, role } = socket.data;
      const scenario = service().get(cityId, request, role);
      return identities(role) ? scenario : publicScenario(scenario, names);
    },
    'scenario:versions': (socket, id) => service().versions(socket.data.cityId, id),
    'scenario:save': (socket, input) => service().save(socket.data.cityId, input, staffIdOf(socket)),
    'scenario:remove': (socket, id) => {
      const removed = service().remove(socket.data.cityId, id);
      // Its comments wait for no one any more.
      forget((_commentId, scenarioId) => scenarioId === removed.id);
      return removed;
    },
    'scenario:comment': (socket, input) => {
      const address = addressOf(socket);
      const pending = pendingByAddress.get(address) ?? new Map<string, string>();
      if (pending.size >= MAX_PENDING_COMMENTS_PER_ADDRESS)
        throw new RequestError(
          'rate-limited',
          'many comments from here are waiting for the planners; try again once they have read them',
          60_000,
        );
      const comment = service().comment(socket.data.cityId, input, socket.data.role);
      pending.set(comment.id, comment.scenarioId);
      pendingByAddress.set(address, pending);
      return identities(socket.data.role) ? comment : publicComment(comment, names);
    },
    'scenario:comments': (socket, scenarioId) => {
      const { cityId, role } = socket.data;
      const comments = service().comments(cityId, scenarioId, role);
      return identities(role) ? comments : comments.map((c) => publicComment(c, names));
    },
    'scenario:moderate': (socket, request) => {
      const comment = service().moderate(socket.data.cityId, request, staffIdOf(socket));
      forget((commentId) => commentId === comment.id);
      return comment;
    },
  };
}
