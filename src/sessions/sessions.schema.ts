import { z } from 'zod';
import { RoleSchema } from '../workspaces/workspaces.schema.ts';

/** Passwords are checked by the policy (12–128 characters, see passwords.ts); this only bounds the input. */
const password = (description: string) => z.string().min(1).max(1024).meta({ description });

export const SignIn = z
  .object({
    email: z.string().trim().min(1).max(254),
    password: password('The password, as typed (any characters; never trimmed)'),
    workspaceId: z.uuid().optional().meta({ description: 'Which workspace to sign in to, when the email has a password in several (see 409 `workspace_choice_required`)' }),
  })
  .strict()
  .meta({ id: 'SignIn' });

export const SessionUser = z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: RoleSchema }).meta({ id: 'SessionUser' });
export const SessionWorkspace = z
  .object({ id: z.uuid(), name: z.string(), locale: z.string(), timeZone: z.string(), defaultCountry: z.string() })
  .meta({ id: 'SessionWorkspace' });
export const Session = z
  .object({
    user: SessionUser,
    workspace: SessionWorkspace,
    csrfToken: z.string().meta({ description: 'Send as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE made with the session cookie' }),
  })
  .meta({ id: 'Session', description: 'The signed-in user and workspace; the session itself travels in the `__Host-vixiees_session` cookie' });

export const PasswordChange = z
  .object({ currentPassword: password('The password now'), newPassword: password('12 to 128 characters; not the email, not a common password') })
  .strict()
  .meta({ id: 'PasswordChange' });

export const Invite = z
  .object({
    inviteUrl: z.string().meta({ description: 'One-time link for the user to set a password; the token is in the fragment, so it never reaches a server log' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'Invite' });

export const InviteAccept = z
  .object({ token: z.string().min(1).max(200), password: password('12 to 128 characters; not the email, not a common password') })
  .strict()
  .meta({ id: 'InviteAccept' });
