/**
 * Who may do what: the one table of roles and their capabilities, read by the server (every socket
 * event and every route checks a capability here, never a role by name) and by the viewer (which
 * panels it offers). A new role is one more row; a new capability is one more name and the roles
 * that get it. A role this table does not know has no capability at all.
 */
import { z } from 'zod';

/** Every role a socket or an HTTP request can have; `public` is anyone without a key. */
export const ROLES = ['public', 'kiosk', 'planner', 'operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** The roles an access key can carry (public and kiosk need none). */
export const STAFF_ROLES = ['planner', 'operator', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** What a role may do, one name per right. */
export const CAPABILITIES = [
  /** Subscribe to live readings (of the sensors the role may see). */
  'live:read',
  /** See internal sensors (live and in the history), not only public, aggregated ones. */
  'data:internal',
  /** Get diffs at the operator rate (10 Hz by default). */
  'live:operatorRate',
  /** Read the history: series, a layer at a time, profiles, the range. */
  'history:read',
  /** See the alarms and rules of the city. */
  'alarms:read',
  /** Acknowledge an alarm in one's own name. */
  'alarms:acknowledge',
  /** Add or change alarm rules. */
  'alarms:rules',
  /** The source health report of the control room. */
  'ops:health',
  /** See public incidents. */
  'incidents:read',
  /** See internal incidents too. */
  'incidents:internal',
  /** Mark, change and remove incidents. */
  'incidents:write',
  /** Become a screen of a wall (it shows what staff push to it, within the socket's own rights). */
  'walls:join',
  /** Push a view to a wall and list the walls. */
  'walls:push',
  /** See published scenarios and their approved comments. */
  'scenarios:read',
  /** See drafts, earlier versions and every comment. */
  'scenarios:drafts',
  /** Save and remove scenarios, import proposed buildings. */
  'scenarios:write',
  /** Comment on a scenario one may see. */
  'scenarios:comment',
  /** Approve or reject comments. */
  'scenarios:moderate',
  /** See which staff member did something (their key id); everyone else sees a display name or none. */
  'staff:identities',
  /** Read `/metrics` (where the server's metrics access asks for a key). */
  'metrics:read',
] as const;
export const CapabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof CapabilitySchema>;

const EVERYONE: readonly Capability[] = [
  'live:read',
  'history:read',
  'incidents:read',
  'walls:join',
  'scenarios:read',
  'scenarios:comment',
];
const STAFF: readonly Capability[] = [
  ...EVERYONE,
  'data:internal',
  'live:operatorRate',
  'alarms:read',
  'ops:health',
  'incidents:internal',
  'incidents:write',
  'walls:push',
  'scenarios:drafts',
  'staff:identities',
];

/** The table: each role's capabilities. */
export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  public: EVERYONE,
  // A kiosk sees what the public sees, at the kiosk's rate (its client class).
  kiosk: EVERYONE,
  planner: [...STAFF, 'scenarios:write', 'scenarios:moderate'],
  operator: [...STAFF, 'alarms:acknowledge', 'alarms:rules', 'metrics:read'],
  admin: [...CAPABILITIES],
};

const TABLE = new Map<string, ReadonlySet<Capability>>(
  Object.entries(ROLE_CAPABILITIES).map(([role, capabilities]) => [role, new Set(capabilities)]),
);

/** Whether `role` has `capability`; false for a role the table does not know. */
export function can(role: string | undefined, capability: Capability): boolean {
  return role !== undefined && (TABLE.get(role)?.has(capability) ?? false);
}

/** The capabilities of `role`; none for a role the table does not know. */
export function capabilitiesOf(role: string | undefined): ReadonlySet<Capability> {
  return (role === undefined ? undefined : TABLE.get(role)) ?? new Set();
}

/** Which sensors a role may see: public ones, and internal ones with `data:internal`. */
export function visibilitiesOf(role: string | undefined): ('public' | 'internal')[] {
  return can(role, 'data:internal') ? ['public', 'internal'] : ['public'];
}
