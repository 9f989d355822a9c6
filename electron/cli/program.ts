// Process: cli (plain Node; the `tessera` command).
// The command tree (docs/design.md "The command line"). Each action is a few lines over the core service, so the
// terminal and the window can never disagree about what an operation does.
import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { TesseraError } from '../../shared/errors.ts';
import { TEAM_ROLES, type TeamRole, VAULT_ROLES, type VaultRole } from '../../shared/roles.ts';
import { wipe } from '../core/crypto/index.ts';
import { defaultProfileDir } from '../core/profile/default-dir.ts';
import { TesseraService } from '../core/service/service.ts';
import { registerVaultSettings } from './vault-settings.ts';
import { makeOutput, type Output, parseDays, readPassword, readStdinBytes } from './io.ts';
import { registerDueCommand } from './due-command.ts';
import { registerLinkCommands } from './link.ts';
import { registerAuditCommand } from './audit.ts';
import { registerOffboardCommand } from './offboard-command.ts';
import { exitCodeHelp, jsonRequested, writeError } from './errors.ts';
import { registerSecretCommands } from './secret-commands.ts';
import { registerBreakGlassCommands } from './breakglass.ts';
import { registerServerCommand, type ServerCommand } from './server-command.ts';

export type { ServerCommand };

export interface Context {
  out: Output;
  team?: string;
  service: TesseraService;
  /** Unlocks the profile (offline-capable), runs fn, and always locks again. */
  unlocked<T>(fn: (s: TesseraService) => Promise<T>): Promise<T>;
}

export function buildProgram(runServer: ServerCommand): Command {
  const program = new Command('tessera')
    .description('Share team credentials end-to-end encrypted.')
    .option('--profile <dir>', 'profile folder (default: TESSERA_PROFILE or the app-data folder)')
    .option('--team <name>', "team to act on (default: the profile's current team)")
    .option('--json', 'machine-readable output')
    .option('--password-stdin', 'read the password from stdin instead of TESSERA_PASSWORD')
    .showHelpAfterError()
    .addHelpText('afterAll', `\n\`tessera --version\` (or -V) prints the version.\n${exitCodeHelp()}`)
    .configureOutput(jsonRequested() ? jsonCommanderOutput : {})
    .exitOverride();

  const ctx = (): Context => {
    const o = program.opts<{ profile?: string; team?: string; json?: boolean; passwordStdin?: boolean }>();
    const service = new TesseraService({ profileDir: o.profile ?? defaultProfileDir() });
    return {
      out: makeOutput(!!o.json),
      team: o.team,
      service,
      async unlocked(fn) {
        const password = await readPassword(!!o.passwordStdin);
        try {
          await service.unlock(password);
        } finally {
          wipe(password);
        }
        try {
          return await fn(service);
        } finally {
          service.lock();
        }
      },
    };
  };

  registerServerCommand(program, runServer);

  program
    .command('signup')
    .description(
      'create an account on a team server (password from TESSERA_PASSWORD or stdin: at least 10 characters and hard to guess; a few uncommon words will do)',
    )
    .requiredOption('--server <url>', 'the team server, e.g. https://tessera.example.com')
    .requiredOption('--email <email>', 'your email: the invitation and the login name')
    .requiredOption('--name <name>', 'your name as teammates see it')
    .action(async (o: { server: string; email: string; name: string }) => {
      const c = ctx();
      const password = await readPassword(!!program.opts().passwordStdin);
      try {
        await c.service.signup({ ...o, password });
      } finally {
        wipe(password);
      }
      const me = c.service.whoami();
      c.service.lock();
      c.out.result(me, () => [`signed up ${me.email}`, `fingerprint ${me.fingerprint}`]);
    });

  program
    .command('login')
    .description(
      'log this profile in on a team server and sync its teams (a new device fetches its encrypted keys and vaults)',
    )
    .requiredOption('--server <url>', 'the team server your account is on')
    .requiredOption('--email <email>', 'the email you signed up with')
    .action(async (o: { server: string; email: string }) => {
      const c = ctx();
      const password = await readPassword(!!program.opts().passwordStdin);
      let synced: Awaited<ReturnType<TesseraService['login']>>;
      try {
        synced = await c.service.login({ ...o, password });
      } finally {
        wipe(password);
      }
      const me = c.service.whoami();
      c.service.lock();
      // The login stands whatever the sync met; what it could not do, the next sync retries.
      for (const t of synced)
        if (t.error) c.out.note(`team ${t.team}: not synced: ${t.error.message}`);
        else if (t.offline)
          c.out.note(`team ${t.team}: offline; run \`tessera sync\` when the server is back`);
      c.out.result({ ...me, synced }, () => [
        `logged in as ${me.email}`,
        ...synced
          .filter((t) => !t.error && !t.offline)
          .map((t) => `synced ${t.team} to revision ${t.revision}`),
      ]);
    });

  program
    .command('logout')
    .description(
      'send queued edits, end the session on the server; the local vault stays readable offline, and another account may then log in with this profile',
    )
    .action(async () => {
      const c = ctx();
      const r = await c.unlocked((s) => s.logout());
      c.out.result({ loggedOut: true, unsent: r.unsent }, () => [
        'logged out; the local vault stays readable offline',
        ...(r.unsent > 0
          ? [`${r.unsent} edit${r.unsent === 1 ? '' : 's'} not sent yet: they go out after the next login`]
          : []),
      ]);
    });

  program
    .command('whoami')
    .description('email, team and the key fingerprint to read to an admin')
    .action(async () => {
      const c = ctx();
      const me = await c.unlocked(async (s) => {
        // Best effort, so a confirmation made since the last sync shows; offline, or before
        // an admin confirms (the server refuses the pull then), the local chain answers.
        if (s.whoami().team) await s.sync(c.team).catch(() => undefined);
        return s.whoami();
      });
      const standing = me.status === 'confirmed' ? me.role : me.status;
      c.out.result(me, () => [
        me.email,
        `team ${me.team ?? '(none)'}${standing ? ` (${standing})` : ''}`,
        `fingerprint ${me.fingerprint}`,
      ]);
    });

  const team = program.command('team').description('teams, invitations and the signed team chain');
  team
    .command('create <name>')
    .description('create a team and become its owner')
    .action(async (name: string) => {
      const c = ctx();
      const t = await c.unlocked((s) => s.createTeam(name));
      c.out.result(t, () => `created team ${t.name}; its invite code is ${t.inviteCode}`);
    });
  team
    .command('invite <email>')
    .description('invite someone by email; prints the invite code to give them yourself')
    .addOption(new Option('--role <role>', 'the role they join with').choices(TEAM_ROLES).default('member'))
    .action(async (email: string, o: { role: TeamRole }) => {
      const c = ctx();
      const inviteCode = await c.unlocked((s) => s.invite(email, o.role, c.team));
      c.out.result({ invited: email, role: o.role, inviteCode }, () => [
        `invited ${email} as ${o.role}`,
        `give them this invite code yourself (in person, by phone or in chat), not through the server:`,
        `  tessera team accept ${inviteCode}`,
      ]);
    });
  team
    .command('code')
    .description("print the team's invite code (what `team accept` checks the team against)")
    .action(async () => {
      const c = ctx();
      const inviteCode = await c.unlocked(async (s) => s.inviteCode(c.team));
      c.out.result({ inviteCode }, () => inviteCode);
    });
  team
    .command('accept <code>')
    .description('join the team an invite code names; refuses a server whose team does not match the code')
    .action(async (code: string) => {
      const c = ctx();
      const t = await c.unlocked((s) => s.accept(code));
      c.out.result(
        t,
        () =>
          `joined ${t.name}; an admin must confirm your fingerprint (tessera whoami) before vaults can be shared with you`,
      );
    });
  team
    .command('confirm <email>')
    .description('confirm someone who accepted, once the fingerprint they read you matches')
    .option('--fingerprint <fp>', 'the fingerprint the member read to you from `tessera whoami`')
    .action(async (email: string, o: { fingerprint?: string }) => {
      const c = ctx();
      if (!o.fingerprint) {
        throw new TesseraError(
          'usage',
          `pass --fingerprint: ask ${email} to read theirs from \`tessera whoami\` and compare`,
        );
      }
      const m = await c.unlocked((s) => s.confirm(email, o.fingerprint!, c.team));
      c.out.result(m, () => `confirmed ${m.email} (${m.role}), fingerprint ${m.fingerprint}`);
    });
  team
    .command('members')
    .description('the members and invitations, with role, status and fingerprint')
    .action(async () => {
      const c = ctx();
      const members = await c.unlocked((s) => s.members(c.team));
      c.out.result(members, () =>
        members.map((m) => `${m.email}\t${m.role}\t${m.status}\t${m.fingerprint ?? ''}`),
      );
    });
  team
    .command('list')
    .description('the teams of this profile; * marks the current one (`team use` switches)')
    .action(async () => {
      const c = ctx();
      const ts = await c.unlocked(async (s) => s.teams());
      c.out.result(ts, () =>
        ts.length ? ts.map((t) => `${t.current ? '*' : ' '} ${t.name}\t${t.id}`) : 'no teams yet',
      );
    });
  team
    .command('role')
    .description("change a confirmed member's role (only an owner makes or changes owners)")
    .argument('<email>')
    .addArgument(new Argument('<role>').choices(TEAM_ROLES))
    .action(async (email: string, role: TeamRole) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.changeRole(email, role, c.team));
      c.out.result(r, () => [
        r.changed ? `${r.email} is now ${role} (was ${r.from})` : `${r.email} is already ${role}`,
        ...memberChangeLines(r),
      ]);
    });
  team
    .command('remove <email>')
    .description(
      'remove a member: the server refuses them at once, and every vault they could read is re-keyed so what is written next is sealed to a key they never get',
    )
    .action(async (email: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.removeMember(email, c.team));
      c.out.result(r, () => [`removed ${r.email} from the team`, ...memberChangeLines(r)]);
    });
  registerOffboardCommand(team, ctx);
  team
    .command('revoke <email>')
    .description('withdraw an invitation that is not confirmed yet; the invite code no longer lets them join')
    .action(async (email: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.revokeInvitation(email, c.team));
      c.out.result(r, () => `withdrew the invitation of ${r.email} (${r.role})`);
    });
  team
    .command('use <team>')
    .description('make another team of this profile the current one')
    .action(async (name: string) => {
      const c = ctx();
      await c.unlocked(async (s) => s.useTeam(name));
      c.out.result({ team: name }, () => `now using team ${name}`);
    });

  const group = program.command('group').description('groups of members');
  group
    .command('create <name>')
    .description('create a group (owners and admins)')
    .action(async (name: string) => {
      const c = ctx();
      await c.unlocked((s) => s.createGroup(name, c.team));
      c.out.result({ group: name }, () => `created group ${name}`);
    });
  group
    .command('add <group> <email>')
    .description('add a confirmed member to a group; they read what the group reads')
    .action(async (g: string, email: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.addToGroup(g, email, c.team));
      c.out.result(r, () => `added ${r.email} to ${r.group}`);
    });
  group
    .command('remove <group> <email>')
    .description('take a member out of a group and re-key what they no longer read')
    .action(async (g: string, email: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.removeFromGroup(g, email, c.team));
      c.out.result(r, () => [
        `removed ${r.email} from ${r.group}`,
        ...r.rekeyed.map((v) => `re-keyed ${v}`),
        ...r.pending.map((v) => `${v}: re-key pending (you may not re-key it; a manager's client must)`),
      ]);
    });
  group
    .command('list')
    .description('the groups and their members')
    .action(async () => {
      const c = ctx();
      const gs = await c.unlocked(async (s) => {
        await s.sync(c.team);
        return s.listGroups(c.team);
      });
      c.out.result(gs, () => gs.map((g) => `${g.name}\t${g.emails.join(', ')}`));
    });

  const vault = program.command('vault').description('vaults and sharing');
  vault
    .command('create <name>')
    .description('create a vault (you manage it; names are unique in the team)')
    .option('--rotate-every <days>', 'default rotation interval, e.g. 90d, for the secrets in it')
    .action(async (name: string, o: { rotateEvery?: string }) => {
      const c = ctx();
      const rotateEveryDays = o.rotateEvery === undefined ? undefined : parseDays(o.rotateEvery);
      const v = await c.unlocked((s) => s.createVault(name, { team: c.team, rotateEveryDays }));
      c.out.result(v, () => `created vault ${v.name}`);
    });
  vault
    .command('list')
    .description('the vaults you can see, with your access and their ids')
    .action(async () => {
      const c = ctx();
      const vs = await c.unlocked(async (s) => {
        await s.sync(c.team);
        return s.listVaults(c.team);
      });
      // The id is listed too: two vaults may share a name (one a member cannot read), and
      // every command takes the id wherever it takes a name.
      c.out.result(vs, () =>
        vs.map(
          (v) =>
            `${v.name}\t${v.role}\t${v.id}${v.rotateEveryDays ? `\trotate every ${v.rotateEveryDays}d` : ''}`,
        ),
      );
    });
  registerVaultSettings(vault, ctx);
  vault
    .command('rename <vault> <new>')
    .description('give a vault you manage a new name (unique in the team, ignoring case)')
    .action(async (v: string, name: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.renameVault(v, name, c.team));
      c.out.result(r, () => `renamed vault ${r.from} to ${r.name}`);
    });
  vault
    .command('rm <vault>')
    .description(
      'delete a vault you manage, for everyone; refused while it holds secrets unless --force (the server keeps its encrypted rows)',
    )
    .option('--force', 'delete it with the secrets it still holds')
    .action(async (v: string, o: { force?: boolean }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.deleteVault(v, { force: !!o.force, team: c.team }));
      c.out.result(r, () =>
        r.secrets
          ? `deleted vault ${r.name} and the ${r.secrets} secret${r.secrets === 1 ? '' : 's'} in it`
          : `deleted vault ${r.name}`,
      );
    });
  vault
    .command('share <vault>')
    .description('give a confirmed member or a group access to a vault you manage')
    .requiredOption('--with <who>', 'member email or group name')
    .addOption(
      new Option('--role <role>', 'view reads, edit also writes, manage also shares')
        .choices(VAULT_ROLES)
        .makeOptionMandatory(),
    )
    .action(async (v: string, o: { with: string; role: VaultRole }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.shareVault(v, o.with, o.role, c.team));
      c.out.result(
        r,
        () => `shared ${r.vault} with ${o.with} (${o.role}); sealed the key to ${r.sealedTo} new reader(s)`,
      );
    });
  vault
    .command('unshare <vault>')
    .description('take access away and re-key the vault if anyone loses the key')
    .requiredOption('--with <who>', 'member email or group name')
    .action(async (v: string, o: { with: string }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.unshareVault(v, o.with, c.team));
      c.out.result(r, () =>
        r.reencrypted || r.readers.length
          ? `removed ${o.with} from ${r.vault}; re-keyed to generation ${r.generation} (${r.reencrypted} items)`
          : `removed ${o.with}'s grant on ${r.vault}; they still read it another way, so no re-key`,
      );
    });

  registerSecretCommands(program, ctx, { parseDays, readStdinBytes });
  registerDueCommand(program, ctx);
  registerLinkCommands(program, ctx);
  registerAuditCommand(program, ctx);
  registerBreakGlassCommands(program, ctx);

  program
    .command('sync')
    .description('pull changes, push queued edits, seal keys for readers who lack them')
    .option('--watch', 'keep running and pull whenever the server announces a change')
    .action(async (o: { watch?: boolean }) => {
      const c = ctx();
      if (!o.watch) {
        const r = await c.unlocked((s) => s.sync(c.team));
        reportSync(c.out, r);
        return;
      }
      await c.unlocked(async (s) => {
        await s.sync(c.team);
        c.out.note('watching for changes; Ctrl-C to stop');
        await new Promise<void>((resolve) => {
          const stop = s.watch(
            c.team,
            (r) => reportSync(c.out, r),
            (e) => c.out.note(String(e)),
          );
          process.once('SIGINT', () => {
            stop();
            resolve();
          });
        });
      });
    });

  return program;
}

/** With --json a usage error is JSON too, and the help that follows it is left out: a script
 *  parses stderr. */
const jsonCommanderOutput = {
  writeErr: () => {},
  outputError: (text: string) => writeError('usage', text.replace(/^error: /, '').trim(), true),
};

/** Read at run time so the version printed is the checkout's, without a build step. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** What a role change or removal did to the vault keys, in words. */
function memberChangeLines(r: Awaited<ReturnType<TesseraService['removeMember']>>): string[] {
  return [
    ...r.rekeyed.map((v) => `re-keyed ${v}`),
    ...r.pending.map(
      (p) =>
        `${p.name ?? `a vault you cannot read (${p.vaultId})`}: still needs a re-key, which only its managers can do; ` +
        `it happens when one of ${p.managers.join(', ')} next syncs`,
    ),
  ];
}

export function reportSync(out: Output, r: Awaited<ReturnType<TesseraService['sync']>>): void {
  out.result(r, () => {
    const lines = [r.offline ? `offline: ${r.remaining} edit(s) queued` : `synced to revision ${r.revision}`];
    if (r.pushed) lines.push(`pushed ${r.pushed} edit(s)`);
    for (const c of r.conflicts) lines.push(`conflict on ${c.name}: your value was kept as "${c.keptAs}"`);
    return lines;
  });
  if (r.conflicts.length > 0) process.exitCode = 4;
}
