// Process: test (plain Node, vitest).
// The role table, answer by answer, written out here rather than read from shared/roles.ts, so
// a change to any entry of the table or to the checks around it fails a test. Each test loads
// the module afresh: the tables are built when the module loads, and a test that only used the
// copy loaded with the file would never see a change to them under `npm run mutate`.
import { describe, expect, it, vi } from 'vitest';

type Roles = typeof import('../../shared/roles.ts');
async function freshRoles(): Promise<Roles> {
  vi.resetModules();
  return await import('../../shared/roles.ts');
}

const TEAM = ['owner', 'admin', 'member'] as const;
const VAULT = ['view', 'edit', 'manage'] as const;

/** Operation → [owner, admin, member]. */
const teamTable: Record<string, [boolean, boolean, boolean]> = {
  'team.read': [true, true, true],
  'team.invite.member': [true, true, false],
  'team.invite.admin': [true, false, false],
  'team.invite.owner': [true, false, false],
  'team.confirm': [true, true, false],
  'team.manage.member': [true, true, false],
  'team.manage.admin': [true, true, false],
  'team.manage.owner': [true, false, false],
  'group.read': [true, true, true],
  'group.manage': [true, true, false],
  'vault.create': [true, true, true],
  'link.admin': [true, true, false],
  'audit.read': [true, true, false],
  'audit.report': [true, true, true],
  'breakglass.request': [false, true, true],
  'breakglass.approve': [true, true, false],
};

/** Operation → [view, edit, manage]. */
const vaultTable: Record<string, [boolean, boolean, boolean]> = {
  'item.read': [true, true, true],
  'item.write': [false, true, true],
  'item.flag': [true, true, true],
  'vault.share': [false, false, true],
  'vault.rekey': [false, false, true],
  'vault.manage': [false, false, true],
  'breakglass.policy': [false, false, true],
};

describe('the role lists', () => {
  it('name exactly three team roles and three vault roles, in rank order', async () => {
    const r = await freshRoles();
    expect(r.TEAM_ROLES).toEqual(['owner', 'admin', 'member']);
    expect(r.VAULT_ROLES).toEqual(['view', 'edit', 'manage']);
  });

  it('isTeamRole and isVaultRole accept only those exact strings', async () => {
    const r = await freshRoles();
    for (const role of TEAM) expect(r.isTeamRole(role)).toBe(true);
    for (const role of VAULT) expect(r.isVaultRole(role)).toBe(true);
    for (const x of ['Owner', 'owner ', '', 'view', 'root', 1, null, undefined, ['owner'], { role: 'owner' }])
      expect(r.isTeamRole(x), String(x)).toBe(false);
    for (const x of ['View', '', 'owner', 'read', 3, null, undefined, ['manage']])
      expect(r.isVaultRole(x), String(x)).toBe(false);
  });
});

describe('team operations', () => {
  it('the table holds exactly these operations and roles', async () => {
    const r = await freshRoles();
    const expected = Object.fromEntries(
      Object.entries(teamTable).map(([op, row]) => [op, TEAM.filter((_, i) => row[i])]),
    );
    expect(r.TEAM_PERMISSIONS).toEqual(expected);
  });

  it('mayInTeam answers the table for every role, and no for no role', async () => {
    const r = await freshRoles();
    for (const [op, row] of Object.entries(teamTable)) {
      TEAM.forEach((role, i) => {
        expect(r.mayInTeam(role, op as keyof Roles['TEAM_PERMISSIONS']), `${role} ${op}`).toBe(row[i]);
      });
      expect(r.mayInTeam(null, op as keyof Roles['TEAM_PERMISSIONS'])).toBe(false);
      expect(r.mayInTeam(undefined, op as keyof Roles['TEAM_PERMISSIONS'])).toBe(false);
    }
  });

  it('inviting a role is the operation named after it', async () => {
    const r = await freshRoles();
    expect(TEAM.map(r.inviteOperation)).toEqual([
      'team.invite.owner',
      'team.invite.admin',
      'team.invite.member',
    ]);
  });

  it('confirming needs both the confirm right and the right to invite that role', async () => {
    const r = await freshRoles();
    // actor → [confirm an owner, an admin, a member]
    const want: Record<string, [boolean, boolean, boolean]> = {
      owner: [true, true, true],
      admin: [false, false, true],
      member: [false, false, false],
    };
    for (const actor of TEAM)
      for (const [i, invited] of TEAM.entries())
        expect(r.mayConfirm(actor, invited), `${actor} ${invited}`).toBe(want[actor]![i]);
    for (const invited of TEAM) expect(r.mayConfirm(null, invited)).toBe(false);
  });

  it('a role change needs authority over the old role and the new one', async () => {
    const r = await freshRoles();
    for (const actor of TEAM)
      for (const from of TEAM)
        for (const to of TEAM) {
          // Owners change anyone to anything; admins move people between admin and member only.
          const allowed = actor === 'owner' || (actor === 'admin' && from !== 'owner' && to !== 'owner');
          expect(r.mayChangeRole(actor, from, to), `${actor}: ${from} -> ${to}`).toBe(allowed);
        }
    expect(r.mayChangeRole(null, 'member', 'member')).toBe(false);
  });

  it('removal needs authority over the removed role', async () => {
    const r = await freshRoles();
    const want: Record<string, [boolean, boolean, boolean]> = {
      owner: [true, true, true],
      admin: [false, true, true],
      member: [false, false, false],
    };
    for (const actor of TEAM)
      for (const [i, target] of TEAM.entries())
        expect(r.mayRemoveMember(actor, target), `${actor} removes ${target}`).toBe(want[actor]![i]);
    expect(r.mayRemoveMember(undefined, 'member')).toBe(false);
  });

  it('withdrawing an invitation needs the authority removing that role would', async () => {
    const r = await freshRoles();
    const want: Record<string, [boolean, boolean, boolean]> = {
      owner: [true, true, true],
      admin: [false, true, true],
      member: [false, false, false],
    };
    for (const actor of TEAM)
      for (const [i, invited] of TEAM.entries())
        expect(r.mayRevokeInvitation(actor, invited), `${actor} revokes ${invited}`).toBe(want[actor]![i]);
    expect(r.mayRevokeInvitation(null, 'member')).toBe(false);
  });

  it('the roles offered for a member are those the actor may move them to, in table order', async () => {
    const r = await freshRoles();
    expect(r.assignableRoles('owner', 'member')).toEqual(['owner', 'admin']);
    expect(r.assignableRoles('owner', 'owner')).toEqual(['admin', 'member']);
    expect(r.assignableRoles('admin', 'member')).toEqual(['admin']);
    expect(r.assignableRoles('admin', 'admin')).toEqual(['member']);
    expect(r.assignableRoles('admin', 'owner')).toEqual([]);
    expect(r.assignableRoles('member', 'member')).toEqual([]);
    expect(r.assignableRoles(null, 'member')).toEqual([]);
    expect(r.rolesAllowed('team.manage.owner')).toEqual(['owner']);
    expect(r.rolesAllowed('team.manage.member')).toEqual(['owner', 'admin']);
  });
});

describe('vault operations', () => {
  it('the table holds exactly these operations and grants', async () => {
    const r = await freshRoles();
    const expected = Object.fromEntries(
      Object.entries(vaultTable).map(([op, row]) => [op, VAULT.filter((_, i) => row[i])]),
    );
    expect(r.VAULT_PERMISSIONS).toEqual(expected);
  });

  it('mayInVault answers the table for every grant, and no for no grant', async () => {
    const r = await freshRoles();
    for (const [op, row] of Object.entries(vaultTable)) {
      VAULT.forEach((role, i) => {
        expect(r.mayInVault(role, op as keyof Roles['VAULT_PERMISSIONS']), `${role} ${op}`).toBe(row[i]);
      });
      expect(r.mayInVault(null, op as keyof Roles['VAULT_PERMISSIONS'])).toBe(false);
      expect(r.mayInVault(undefined, op as keyof Roles['VAULT_PERMISSIONS'])).toBe(false);
    }
  });
});

describe('effectiveVaultRole', () => {
  it('owners manage every vault, with or without a grant', async () => {
    const r = await freshRoles();
    expect(r.effectiveVaultRole('owner', [])).toBe('manage');
    expect(r.effectiveVaultRole('owner', ['view', undefined])).toBe('manage');
  });

  it('someone outside the team has no role, whatever grants are listed', async () => {
    const r = await freshRoles();
    expect(r.effectiveVaultRole(null, ['manage'])).toBeNull();
    expect(r.effectiveVaultRole(undefined, ['edit', 'view'])).toBeNull();
  });

  it('admins and members get the strongest grant they hold, in any order, or none', async () => {
    const r = await freshRoles();
    expect(r.effectiveVaultRole('admin', [])).toBeNull();
    expect(r.effectiveVaultRole('member', [undefined, null])).toBeNull();
    expect(r.effectiveVaultRole('member', [undefined, 'view', null])).toBe('view');
    expect(r.effectiveVaultRole('member', ['view', 'edit'])).toBe('edit');
    expect(r.effectiveVaultRole('member', ['edit', 'view'])).toBe('edit');
    expect(r.effectiveVaultRole('admin', ['view', 'manage', 'edit'])).toBe('manage');
    expect(r.effectiveVaultRole('admin', ['manage', 'view'])).toBe('manage');
    expect(r.effectiveVaultRole('member', [null, 'edit', undefined, 'view'])).toBe('edit');
  });
});

describe('standingVaultRole', () => {
  it('a break-glass vault has no standing readers but owners, whatever the grants', async () => {
    const r = await freshRoles();
    expect(r.standingVaultRole('owner', [], true)).toBe('manage');
    expect(r.standingVaultRole('admin', ['manage'], true)).toBeNull();
    expect(r.standingVaultRole('member', ['view'], true)).toBeNull();
    expect(r.standingVaultRole('member', ['view'], false)).toBe('view');
  });
});
