/** es-ES: the first language; tú everywhere, sentence case, infinitives on buttons. */
export const es = {
  app: { name: 'Vixiees', skip: 'Saltar al contenido', nav: 'Navegación principal', inbox: 'Atención', contacts: 'Contactos', signOut: 'Cerrar sesión', language: 'Idioma', userMenu: 'Menú de {{name}}' },
  signIn: {
    title: 'Entrar en Vixiees', email: 'Email', password: 'Contraseña', submit: 'Entrar', workspace: 'Espacio de trabajo',
    chooseWorkspace: 'Tu email tiene acceso a varios espacios de trabajo. Elige uno.',
    invalid: 'Email o contraseña incorrectos', rateLimited: 'Demasiados intentos. Espera {{seconds}} s y vuelve a probar.',
    error: 'No se pudo entrar. Vuelve a probar.', expired: 'Tu sesión ha caducado. Vuelve a entrar para seguir.',
  },
  common: {
    loading: 'Cargando…', retry: 'Reintentar', loadError: 'No se pudo cargar', save: 'Guardar', cancel: 'Cancelar', edit: 'Editar', close: 'Cerrar',
    notFound: 'Este contacto no existe o se ha eliminado', forbidden: 'No tienes permiso para ver esto', details: 'Detalles', back: 'Volver',
  },
  duration: { d: '{{count}} d', h: '{{count}} h', min: '{{count}} min', s: '{{count}} s', hMin: '{{h}} h {{min}} min', dH: '{{d}} d {{h}} h' },
  reason: { whatsapp: 'WhatsApp', call: 'Llamada perdida', email: 'Email' },
  inbox: {
    title: 'Atención', mine: 'Míos', all: 'Todos', scope: 'Qué contactos ver', waiting: 'Esperando {{time}}', waitingLabel: 'Tiempo de espera',
    reasons: 'Motivos', empty: 'Todo al día', emptyHint: 'Nadie espera respuesta ahora mismo.', count_one: '{{count}} contacto pendiente', count_other: '{{count}} contactos pendientes',
    windowOpen: 'Ventana {{time}}', windowClosed: 'Ventana cerrada', nameless: 'Sin nombre',
  },
  contacts: {
    title: 'Contactos', search: 'Buscar contactos', searchPlaceholder: 'Nombre, apellidos, email, teléfono…', newContact: 'Nuevo contacto',
    count_one: '{{n}} contacto', count_other: '{{n}} contactos', countApprox: '≈ {{n}} contactos',
    empty: 'Ningún contacto cumple esta búsqueda', emptyWorkspace: 'Aún no hay contactos',
    col: { name: 'Nombre', phone: 'Teléfono', email: 'Email', company: 'Empresa', attention: 'Atención', window: 'Ventana WA', updated: 'Actualizado' },
    pending: 'Pendiente', loadingMore: 'Cargando más…',
  },
  form: {
    firstName: 'Nombre', lastName: 'Apellidos', email: 'Email', phone: 'Teléfono', company: 'Empresa', create: 'Crear contacto', created: 'Contacto creado',
    errors: {
      contact_identifier_taken: 'Ya pertenece a otro contacto. Abre su ficha o fusiónalos.',
      identifier_taken: 'Ya pertenece a otro contacto. Abre su ficha o fusiónalos.',
      invalid_phone: 'No es un teléfono válido', invalid_email: 'No es un email válido', invalid_format: 'El formato no es válido',
      too_big: 'Es demasiado largo', too_small: 'Falta este dato', contact_needs_identity: 'Pon al menos un nombre, email o teléfono',
      generic: 'Revisa este campo ({{code}})',
    },
  },
  contact: {
    data: 'Datos', timeline: 'Conversación', pendingChip: 'Pendiente · {{reasons}} · {{time}}', pendingSince: 'desde {{when}}', ignored: 'Ignorado',
    windowOpenChip: 'Ventana abierta · {{time}}', windowClosedChip: 'Ventana cerrada',
    consents: 'Consentimientos', consent: { transactionalWhatsapp: 'WhatsApp transaccional', transactionalEmail: 'Email transaccional', marketingWhatsapp: 'WhatsApp marketing', marketingEmail: 'Email marketing' },
    consentOn: 'Sí', consentOff: 'No', saved: 'Guardado', conflict: 'Alguien cambió este contacto hace un momento; se muestran sus datos actuales.',
    source: 'Origen', owner: 'Propietario',
  },
  timeline: {
    title: 'Historial', empty: 'Todavía no hay actividad', more: 'Ver anteriores', inbound: 'Recibido', outbound: 'Enviado',
    type: { whatsapp_message: 'WhatsApp', email: 'Email', call: 'Llamada', comment: 'Nota interna', task: 'Tarea', deal: 'Oportunidad', meeting: 'Reunión', document: 'Documento', contact: 'Cambio en el contacto' },
    status: { received: 'Recibido', queued: 'En cola', sent: 'Enviado', delivered: 'Entregado', read: 'Leído', failed: 'Fallido' },
    callOutcome: { answered: 'Contestada', missed: 'Perdida', busy: 'Ocupado', no_answer: 'No contestada', voicemail: 'Buzón de voz', failed: 'Fallida' },
    event: { created: 'Contacto creado', updated: 'Datos cambiados', consent_changed: 'Consentimiento cambiado', stage_changed: 'Cambio de etapa', ignored: 'Contacto ignorado', unignored: 'Dejó de estar ignorado', merged: 'Contactos fusionados', deleted: 'Enviado a la papelera', restored: 'Restaurado', owner_changed: 'Cambio de propietario' },
    template: 'Plantilla {{name}}',
  },
  composer: {
    label: 'Redactar', channel: 'Canal', whatsapp: 'WhatsApp', note: 'Nota interna', call: 'Llamada',
    message: 'Mensaje de WhatsApp', send: 'Enviar', sending: 'Enviando…',
    windowOpen: 'Ventana abierta · se cierra en {{time}}', windowClosesAt: 'Se cierra el {{when}}',
    windowClosed: 'Han pasado más de 24 h desde el último mensaje de {{name}}. Solo puedes enviar una plantilla aprobada.',
    windowNever: '{{name}} aún no te ha escrito por WhatsApp. Solo puedes enviar una plantilla aprobada.',
    chooseTemplate: 'Elegir plantilla', noPhone: 'Sin teléfono', noConsent: '{{name}} no ha dado su consentimiento para WhatsApp transaccional. No se puede enviar.',
    noteHint: 'Solo lo ve tu equipo', noteField: 'Nota interna', saveNote: 'Guardar nota',
    callDirection: 'Dirección', outbound: 'Saliente', inbound: 'Entrante', callOutcome: 'Resultado', callDuration: 'Duración (minutos)', logCall: 'Registrar llamada',
    ignoredNote: 'Contacto ignorado: escribirle no lo reactiva.',
    error: { whatsapp_window_closed: 'La ventana se cerró: envía una plantilla', consent_required: 'Falta el consentimiento para este envío', contact_has_no_whatsapp: 'Este contacto no tiene teléfono de WhatsApp', generic: 'No se pudo enviar ({{code}})' },
  },
  templates: {
    title: 'Plantillas de WhatsApp', search: 'Buscar plantilla', none: 'No hay plantillas aprobadas. Pide a un administrador que las añada.',
    category: { marketing: 'Marketing', utility: 'Utilidad', authentication: 'Autenticación' }, variable: 'Variable {{n}}', send: 'Enviar plantilla', preview: 'Vista previa', back: 'Otras plantillas',
  },
};
export type Messages = typeof es;
