/* global module -- CommonJS: dependency-cruiser loads this file with require() */
/**
 * Boundaries — the import rules of src/, checked by `npm run lint:deps` (dependency-cruiser, also
 * a step of .ci/run). Read this before adding a file that imports across folders.
 *
 * - A feature is a folder directly under src/ (contacts, deals, attention, …) other than lib, db
 *   and cli (and api-client, the generated typed client). Inside a feature the flow is one way: `*.routes.ts → *.service.ts → *.repo.ts →
 *   *.tables.ts`. Routes (and the CLI, the other entry point) call services, never a repo; a repo
 *   never imports a service or routes.
 * - Another feature is reached only through its `*.service.ts` or `*.schema.ts`, or one of the
 *   few public files listed in PUBLIC_FILES below (each with its reason). Never through its repo
 *   or its tables: those are the feature's own storage, free to change. Need a query over
 *   another feature's rows? Ask that feature's service, or have deps.ts pass the function in.
 * - No import cycles: not between files, not between features (folder level).
 * - src/lib/** is shared plumbing and imports no feature.
 * - The top-level files of src/ (app.ts, deps.ts, workers.ts, main.ts, server.ts, config.ts) are
 *   the composition root: they wire features together and may import anything.
 * - Tests (`*.test.ts`, `*.test-helpers.ts`, test/) may reach any layer; they still may not
 *   close a cycle.
 *
 * Known debt: .dependency-cruiser-known-violations.json lists the violations that predate these
 * rules; every new one fails. `npm run lint:deps` (bin/lint-deps.js) applies that list to file and
 * folder violations alike (depcruise's own --ignore-known skips folder cycles). Fixed one?
 * `npm run lint:deps:baseline` rewrites the list so it only shrinks; never add to it to get a
 * change in. To see everything: `npx depcruise src --config .dependency-cruiser.cjs`.
 */

/** Folders under src/ that are not features. */
const NOT_FEATURE = '(?!(?:lib|db|cli|api-client)(?:/|$))';
/** A file inside a feature; group 1 is the feature's name. */
const FEATURE_FILE = `^src/${NOT_FEATURE}([^/]+)/`;
const TEST = ['\\.test\\.ts$', '\\.test-helpers\\.ts$', '^test/'];

/**
 * Files another feature may import besides its service and schema: pure helpers and use cases
 * that have no better home yet. Keep this list short; each entry says why it is public.
 */
const PUBLIC_FILES = [
  // The request-authentication hook and `actorOf`: every routes file needs the caller.
  '^src/auth/authenticate\\.ts$',
  // The tenancy 404 of every contact-owned element ("no such contact in this workspace").
  '^src/contacts/require-contact\\.ts$',
  // The one way a contact row becomes the API's Contact (list, board, attention queue).
  '^src/contacts/contacts\\.present\\.ts$',
  // The one way a page of contacts (full or light) is written, for both list routes (GET and search).
  '^src/contacts/contact-page-reply\\.ts$',
  // Email and phone normalisation: pure functions, shared by filters and identity.
  '^src/contacts/identifiers\\.ts$',
  // The attention and WhatsApp-window parts of a contact's row: pure schema and arithmetic.
  '^src/contacts/attention-state\\.ts$',
  // Queries on the contact row that attention (its columns, the queue) and playbooks (stages) run.
  '^src/contacts/contact-rows\\.ts$',
  // Workspace settings (defaults, cached read): the settings are the workspace's public contract.
  '^src/workspaces/workspace-settings\\.ts$',
  // Attribute values and their SQL filter: what contact-lists compiles custom-attribute filters with.
  '^src/attributes/attribute-values\\.ts$',
  '^src/attributes/attribute-filter\\.ts$',
  // The contact query engine (filters, keyset sort, pages): saved views and bulk run its queries.
  '^src/contact-lists/contact-query\\.ts$',
  '^src/contact-lists/compile-filter\\.ts$',
  '^src/contact-lists/keyset\\.ts$',
  '^src/contact-lists/list-contacts\\.ts$',
  // Moving a contact between stages, with its history: bulk moves many.
  '^src/playbooks/contact-stage\\.ts$',
  // The delivery port (what an outbound message is, what a sender answers): mailboxes send email through it.
  '^src/communications/delivery\\.ts$',
  // A lead's contact found or created, and its consent answers recorded once: every lead source uses them.
  '^src/integrations/lead-contact\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count) makes load order matter and keeps two files from changing alone. Move the shared part (often a type) to a file both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-feature-cycle',
      severity: 'error',
      comment: 'Features depend one way: if A imports B, B does not import A, even through other files or features. Pass the dependency in from deps.ts, or move the function to the feature that owns it.',
      scope: 'folder',
      from: { path: `^src/${NOT_FEATURE}[^/]+` },
      to: { circular: true },
    },
    {
      name: 'routes-not-repo',
      severity: 'error',
      comment: 'Routes and CLI commands are entry points: they call a service, which holds the rules (tenancy, authorship, validation) a repo call would skip.',
      from: { path: ['\\.routes\\.ts$', '^src/cli/'], pathNot: TEST },
      to: { path: '\\.repo\\.ts$' },
    },
    {
      name: 'repo-not-service',
      severity: 'error',
      comment: 'A repo is storage only: it never calls up into a service or routes (that would be a layering cycle).',
      from: { path: '\\.repo\\.ts$' },
      to: { path: '\\.(service|routes)\\.ts$' },
    },
    {
      name: 'service-not-routes',
      severity: 'error',
      comment: 'A service knows nothing of HTTP: routes call services, not the other way round.',
      from: { path: '\\.service\\.ts$' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'no-foreign-repo-or-tables',
      severity: 'error',
      comment: "Another feature's repo and tables are its private storage: go through its service (or schema for types). A tables file may reference another's tables for a foreign key.",
      from: { path: FEATURE_FILE, pathNot: [...TEST, '\\.tables\\.ts$'] },
      to: { path: '^src/[^/]+/[^/]+\\.(repo|tables)\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'feature-public-surface',
      severity: 'error',
      comment: 'Another feature is used only through its service, its schema or a file listed in PUBLIC_FILES (with its reason) in .dependency-cruiser.cjs.',
      from: { path: FEATURE_FILE, pathNot: TEST },
      to: {
        path: `^src/${NOT_FEATURE}[^/]+/`,
        pathNot: ['^src/$1/', '\\.(service|schema|repo|tables)\\.ts$', ...PUBLIC_FILES],
      },
    },
    {
      name: 'lib-no-feature',
      severity: 'error',
      comment: 'src/lib is plumbing every feature uses; if it imported a feature, that feature could not use lib without a cycle. write-openapi.ts is a script (an entry point) that builds the app.',
      from: { path: '^src/lib/', pathNot: [...TEST, '^src/lib/http/write-openapi\\.ts$'] },
      to: { path: '^src/(?!lib/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
