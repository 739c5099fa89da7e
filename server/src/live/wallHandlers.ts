/**
 * `wall:*`: any socket may become a screen of a wall (`join`, with the wall's name; the answer is the
 * last view pushed to it, or null); staff push a view to a wall of their city and list the walls with
 * screens connected. A screen is in one wall at a time.
 *
 * Screens without staff rights (a browser on a wall with no key) get the view in a form for the
 * public: who pushed it as the display name the config gives (or nothing), and an internal sensor's
 * panel not opened (its id is not theirs to see). Staff screens and the others are in two rooms of
 * the wall, so each gets its own form.
 */
import type { WallSummary, WallViewMessage } from '../../../protocol/index.ts';
import { can } from '../../../protocol/index.ts';
import type { Handlers } from './door.ts';
import type { GatewayContext, LiveSocket } from './liveTypes.ts';
import { wallRoomOf } from './liveTypes.ts';

export function wallHandlers(context: GatewayContext): Handlers<'wall:join' | 'wall:push' | 'wall:list'> {
  const key = (cityId: string, wall: string) => `${cityId}:${wall}`;
  /** The view as a screen without staff rights gets it. */
  const publicView = (cityId: string, message: WallViewMessage): WallViewMessage => {
    const sensorId = message.view.sensorId;
    const sensor = sensorId === null ? undefined : context.hubs.get(cityId)?.sensors.get(sensorId);
    return {
      ...message,
      by: context.accessKeyRing.publicNameOf(message.by),
      view: { ...message.view, sensorId: sensor?.visibility === 'public' ? sensorId : null },
    };
  };
  const audienceOf = (socket: LiveSocket) => (can(socket.data.role, 'staff:identities') ? 'staff' : 'public');
  const screens = (socket: LiveSocket, cityId: string, wall: string) => {
    const rooms = socket.nsp.adapter.rooms;
    return (
      (rooms.get(wallRoomOf(cityId, wall, 'staff'))?.size ?? 0) +
      (rooms.get(wallRoomOf(cityId, wall, 'public'))?.size ?? 0)
    );
  };
  return {
    'wall:join': (socket, wall) => {
      const { cityId } = socket.data;
      const audience = audienceOf(socket);
      const room = wallRoomOf(cityId, wall, audience);
      for (const joined of socket.rooms)
        if (joined.startsWith('wall:') && joined !== room) void socket.leave(joined);
      void socket.join(room);
      const last = context.walls.get(key(cityId, wall));
      if (last === undefined) return null;
      return audience === 'staff' ? last : publicView(cityId, last);
    },
    'wall:push': (socket, { wall, view }) => {
      const { cityId, staffId } = socket.data;
      const message: WallViewMessage = { wall, view, by: staffId ?? null, atMs: context.clock.now() };
      context.walls.set(key(cityId, wall), message);
      socket.nsp.to(wallRoomOf(cityId, wall, 'staff')).emit('wall:view', message);
      socket.nsp.to(wallRoomOf(cityId, wall, 'public')).emit('wall:view', publicView(cityId, message));
      return { wall, screens: screens(socket, cityId, wall) };
    },
    'wall:list': (socket) => {
      const { cityId } = socket.data;
      const names = new Set<string>();
      for (const audience of ['staff', 'public'] as const) {
        const prefix = wallRoomOf(cityId, '', audience);
        for (const room of socket.nsp.adapter.rooms.keys())
          if (room.startsWith(prefix)) names.add(room.slice(prefix.length));
      }
      const prefix = key(cityId, '');
      for (const pushed of context.walls.keys())
        if (pushed.startsWith(prefix)) names.add(pushed.slice(prefix.length));
      return [...names].sort().map((wall): WallSummary => {
        const last = context.walls.get(key(cityId, wall));
        return {
          wall,
          screens: screens(socket, cityId, wall),
          lastPushAtMs: last?.atMs ?? null,
          lastPushBy: last?.by ?? null,
        };
      });
    },
  };
}
