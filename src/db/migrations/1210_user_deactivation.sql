-- Removing a user from a workspace (issue 11, Settings → Team).
--
-- A removed user is deactivated, not deleted: contacts, tasks and history keep pointing at the
-- id (contacts.owner_id and tasks.assignee_id have no foreign key, and the timeline names the
-- actor by id), and the team list can still name who did what. While deactivated_at is set the
-- user cannot sign in, their sessions and invites stop working (sessions and sign-in look the
-- user up through findWorkspaceUser, which skips deactivated users), and nobody can make them an
-- owner of contacts or an assignee of tasks. The email stays taken in the workspace: an admin
-- reactivates the user instead of adding them again.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
