import { bundle } from '../../../i18n/bundle.ts';

/**
 * Strings of the composer's email, task, meeting, deal and document channels and of their
 * timeline entries (`composerMore.*`). The first three channels keep their `composer.*` keys in
 * the main catalogue; a bundle owns whole top-level keys, so these live under their own.
 */
export const composerMoreMessages = bundle(
  {
    composerMore: {
      channel: { email: 'Email', task: 'Tarea', meeting: 'Reunión', deal: 'Oportunidad', document: 'Documento' },
      email: {
        to: 'Para', toHint: 'Vacío: el email principal del contacto', purpose: 'Tipo de envío',
        purposes: { transactional: 'Transaccional', marketing: 'Marketing' },
        subject: 'Asunto', body: 'Mensaje', send: 'Enviar email',
        noConsent: '{{name}} no ha dado su consentimiento para email transaccional.',
      },
      task: { title: 'Tarea', dueAt: 'Vence', assignee: 'Responsable', unassigned: 'Sin responsable', create: 'Crear tarea' },
      meeting: { title: 'Título', startsAt: 'Empieza', endsAt: 'Termina', location: 'Lugar', link: 'Enlace de la videollamada', create: 'Guardar reunión' },
      deal: {
        title: 'Oportunidad', amount: 'Importe', currency: 'Moneda', currencyHint: 'Código ISO: EUR, USD…', status: 'Estado', expectedCloseDate: 'Cierre previsto', create: 'Crear oportunidad',
        statuses: { open: 'Abierta', won: 'Ganada', lost: 'Perdida' },
      },
      document: { file: 'Archivo', hint: 'PDF, imagen, texto, CSV, DOCX o XLSX', upload: 'Subir documento' },
      zoneHint: 'Hora de {{zone}}',
      timeline: {
        due: 'Vence el {{when}}', noDue: 'Sin fecha', taskStatus: { pending: 'Pendiente', done: 'Hecha' },
        meetingWhen: '{{start}} – {{end}}', download: 'Descargar {{name}}', to: 'Para: {{to}}',
      },
      errors: {
        consent_missing: 'Falta el consentimiento del contacto para este tipo de envío',
        contact_has_no_email: 'Este contacto no tiene email: escribe uno', required: 'Falta este dato',
        currency_required: 'Un importe necesita su moneda', invalid_currency: 'No es una moneda ISO 4217 (como EUR)',
        ends_before_start: 'Tiene que terminar después de empezar', invalid_url: 'Tiene que ser un enlace http(s) completo',
        type_not_allowed: 'Este tipo de archivo no se admite', content_mismatch: 'El contenido no corresponde al tipo del archivo',
        too_large: 'El archivo es demasiado grande', unknown_user: 'No es un usuario de este espacio de trabajo',
        out_of_range: 'La fecha está fuera de rango', invalid_type: 'Falta este dato o no es válido',
        contact_deleted: 'El contacto está en la papelera', network_error: 'No se pudo conectar con el servidor',
        generic: 'No se pudo guardar ({{code}})',
      },
    },
  },
  {
    composerMore: {
      channel: { email: 'Email', task: 'Task', meeting: 'Meeting', deal: 'Deal', document: 'Document' },
      email: {
        to: 'To', toHint: "Empty: the contact's main email", purpose: 'Kind of email',
        purposes: { transactional: 'Transactional', marketing: 'Marketing' },
        subject: 'Subject', body: 'Message', send: 'Send email',
        noConsent: '{{name}} has not given consent to transactional email.',
      },
      task: { title: 'Task', dueAt: 'Due', assignee: 'Assignee', unassigned: 'Nobody', create: 'Create task' },
      meeting: { title: 'Title', startsAt: 'Starts', endsAt: 'Ends', location: 'Place', link: 'Video-call link', create: 'Save meeting' },
      deal: {
        title: 'Deal', amount: 'Amount', currency: 'Currency', currencyHint: 'ISO code: EUR, USD…', status: 'Status', expectedCloseDate: 'Expected close', create: 'Create deal',
        statuses: { open: 'Open', won: 'Won', lost: 'Lost' },
      },
      document: { file: 'File', hint: 'PDF, image, text, CSV, DOCX or XLSX', upload: 'Upload document' },
      zoneHint: '{{zone}} time',
      timeline: {
        due: 'Due {{when}}', noDue: 'No date', taskStatus: { pending: 'Pending', done: 'Done' },
        meetingWhen: '{{start}} – {{end}}', download: 'Download {{name}}', to: 'To: {{to}}',
      },
      errors: {
        consent_missing: "The contact's consent for this kind of email is missing",
        contact_has_no_email: 'This contact has no email: type one', required: 'This is required',
        currency_required: 'An amount needs its currency', invalid_currency: 'Not an ISO 4217 currency (like EUR)',
        ends_before_start: 'It must end after it starts', invalid_url: 'Must be a full http(s) link',
        type_not_allowed: 'This kind of file is not accepted', content_mismatch: "The content does not match the file's type",
        too_large: 'The file is too large', unknown_user: 'Not a user of this workspace',
        out_of_range: 'The date is out of range', invalid_type: 'Missing or not valid',
        contact_deleted: 'The contact is in the trash', network_error: 'Could not reach the server',
        generic: 'Could not save ({{code}})',
      },
    },
  },
);
