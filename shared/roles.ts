// Process: shared. THE role table: the server enforces it on every route, the renderer and
// the CLI use it to offer only what a role may do. Nothing else in the code base may decide
// who can do what; if a check is needed, add the operation here and call `may*`.

export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const VAULT_ROLES = ['view', 'edit', 'manage'] as const;
export type VaultRole = (typeof VAULT_ROLES)[number];

/** Team-level operations and the team roles allowed to perform them. */
export const TEAM_PERMISSIONS = {
  'team.read': ['owner', 'admin', 'member'],
  'team.invite.member': ['owner', 'admin'],
  'team.invite.admin': ['owner'],
  'team.invite.owner': ['owner'],
  'team.confirm': ['owner', 'admin'],
  /** Change the role of, or remove, someone who holds (or would hold) the named role. */
  'team.manage.member': ['owner', 'admin'],
  'team.manage.admin': ['owner', 'admin'],
  'team.manage.owner': ['owner'],
  'group.read': ['owner', 'admin', 'member'],
  'group.manage': ['owner', 'admin'],
  'vault.create': ['owner', 'admin', 'member'],
  /** List and revoke anyone's one-time links; set a vault's link policy. */
  'link.admin': ['owner', 'admin'],
  /** Read the team's whole audit log (docs/design.md "Audit"): it shows who did what to which
   *  vault, so it is for the people who run the team. */
  'audit.read': ['owner', 'admin'],
  /** Send this member's own signed reveal and copy events: everyone who can read a secret. */
  'audit.report': ['owner', 'admin', 'member'],
  /** Ask for break-glass access to a vault (docs/design.md "Break-glass"); owners read every
   *  break-glass vault already, so they have nothing to ask for. */
  'breakglass.request': ['admin', 'member'],
  /** Approve or deny someone else's break-glass request, or end a session. */
  'breakglass.approve': ['owner', 'admin'],
} as const satisfies Record<string, readonly TeamRole[]>;
export type TeamOperation = keyof typeof TEAM_PERMISSIONS;

/** Vault-level operations and the vault grants allowed to perform them. Owners hold
 *  `manage` on every vault (docs/design.md "Roles"); see effectiveVaultRole. */
export const VAULT_PERMISSIONS = {
  'item.read': ['view', 'edit', 'manage'],
  'item.write': ['edit', 'manage'],
  /** Ask for a rotation (a signed "rotation required" flag): anyone who can see the value may
   *  know it leaked, so reading is enough. Settling one is rotating, which is `item.write`. */
  'item.flag': ['view', 'edit', 'manage'],
  'vault.share': ['manage'],
  'vault.rekey': ['manage'],
  /** Rename (a new name envelope) and delete (a `vault.delete` link). */
  'vault.manage': ['manage'],
  /** Mark a vault break-glass or change its policy (a `vault.breakglass` link). */
  'breakglass.policy': ['manage'],
} as const satisfies Record<string, readonly VaultRole[]>;
export type VaultOperation = keyof typeof VAULT_PERMISSIONS;

/** Each operation in the words a refusal uses: never the internal name (`item.write`). */
export const OPERATION_WORDS: Record<TeamOperation | VaultOperation, string> = {
  'team.read': 'see this team',
  'team.invite.member': 'invite members',
  'team.invite.admin': 'invite admins',
  'team.invite.owner': 'invite owners',
  'team.confirm': 'confirm members',
  'team.manage.member': 'change or remove members',
  'team.manage.admin': 'change or remove admins',
  'team.manage.owner': 'change or remove owners',
  'group.read': 'see the groups',
  'group.manage': 'manage groups',
  'vault.create': 'create vaults',
  'link.admin': "set a vault's link policy or revoke others' links",
  'audit.read': "read the team's audit log",
  'audit.report': 'report what you revealed or copied',
  'breakglass.request': 'ask for break-glass access',
  'breakglass.approve': 'approve or deny break-glass requests',
  'item.read': 'read its secrets',
  'item.write': 'change its secrets',
  'item.flag': 'flag its secrets for rotation',
  'vault.share': 'share it',
  'vault.rekey': 're-key it',
  'vault.manage': 'rename or delete it',
  'breakglass.policy': 'mark it break-glass or change its policy',
};

/** The one sentence for a refused operation: the server sends it, and the client rebuilds it
 *  from the operation and role the answer names rather than show the server's own text. */
export function refusalWords(op: TeamOperation | VaultOperation, role: string | null): string {
  if (Object.hasOwn(VAULT_PERMISSIONS, op))
    return `your access to this vault (${role ?? 'none'}) does not let you ${OPERATION_WORDS[op]}: ask someone who manages it`;
  const who = TEAM_PERMISSIONS[op as TeamOperation].map((r) => (r === 'member' ? 'a member' : `an ${r}`));
  return `your role in this team (${role ?? 'none'}) does not let you ${OPERATION_WORDS[op]}: ask ${who.join(' or ')}`;
}

export function isOperation(x: unknown): x is TeamOperation | VaultOperation {
  return typeof x === 'string' && (Object.hasOwn(TEAM_PERMISSIONS, x) || Object.hasOwn(VAULT_PERMISSIONS, x));
}

const VAULT_RANK: Record<VaultRole, number> = { view: 1, edit: 2, manage: 3 };

export function mayInTeam(role: TeamRole | null | undefined, op: TeamOperation): boolean {
  return role != null && (TEAM_PERMISSIONS[op] as readonly TeamRole[]).includes(role);
}

export function mayInVault(role: VaultRole | null | undefined, op: VaultOperation): boolean {
  return role != null && (VAULT_PERMISSIONS[op] as readonly VaultRole[]).includes(role);
}

export function inviteOperation(role: TeamRole): TeamOperation {
  return `team.invite.${role}`;
}

/** Confirming a member is inviting them for real: it needs the right to invite that role. */
export function mayConfirm(actor: TeamRole | null | undefined, invited: TeamRole): boolean {
  return mayInTeam(actor, 'team.confirm') && mayInTeam(actor, inviteOperation(invited));
}

/** A role change needs authority over the old role and the new one (only owners touch owners). */
export function mayChangeRole(actor: TeamRole | null | undefined, from: TeamRole, to: TeamRole): boolean {
  return mayInTeam(actor, `team.manage.${from}`) && mayInTeam(actor, `team.manage.${to}`);
}

export function mayRemoveMember(actor: TeamRole | null | undefined, target: TeamRole): boolean {
  return mayInTeam(actor, `team.manage.${target}`);
}

/** Offboarding is removing the member, with their sessions and links ended and their secrets
 *  flagged (docs/design.md "Offboarding"): the same authority as removing them. */
export function mayOffboardMember(actor: TeamRole | null | undefined, target: TeamRole): boolean {
  return mayRemoveMember(actor, target);
}

/** Withdrawing an invitation is removing someone before they joined: the same authority. */
export function mayRevokeInvitation(actor: TeamRole | null | undefined, invited: TeamRole): boolean {
  return mayRemoveMember(actor, invited);
}

/** The roles `actor` may move someone who holds `from` to (their current role left out). */
export function assignableRoles(actor: TeamRole | null | undefined, from: TeamRole): TeamRole[] {
  return TEAM_ROLES.filter((to) => to !== from && mayChangeRole(actor, from, to));
}

/** The team roles allowed an operation, for messages that say who to ask. */
export function rolesAllowed(op: TeamOperation): readonly TeamRole[] {
  return TEAM_PERMISSIONS[op];
}

/** The strongest of a member's direct and group grants; owners always manage. */
export function effectiveVaultRole(
  teamRole: TeamRole | null | undefined,
  grants: readonly (VaultRole | null | undefined)[],
): VaultRole | null {
  if (teamRole === 'owner') return 'manage';
  if (teamRole == null) return null;
  let best: VaultRole | null = null;
  for (const g of grants) if (g && (best === null || VAULT_RANK[g] > VAULT_RANK[best])) best = g;
  return best;
}

export function isTeamRole(x: unknown): x is TeamRole {
  return typeof x === 'string' && (TEAM_ROLES as readonly string[]).includes(x);
}

export function isVaultRole(x: unknown): x is VaultRole {
  return typeof x === 'string' && (VAULT_ROLES as readonly string[]).includes(x);
}

/** A member's standing role on a vault: a break-glass vault has no standing readers but owners
 *  (docs/design.md "Break-glass"); everyone else reads it only through a granted session. */
export function standingVaultRole(
  teamRole: TeamRole | null | undefined,
  grants: readonly (VaultRole | null | undefined)[],
  breakGlass: boolean,
): VaultRole | null {
  if (breakGlass && teamRole !== 'owner') return null;
  return effectiveVaultRole(teamRole, grants);
}
