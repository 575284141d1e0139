import { bundle } from '../../../i18n/bundle.ts';

/** Strings of the contacts table's filters, saved views, columns, bulk actions and row edit (`views.*` keys). */
export const filterMessages = bundle(
  {
    views: {
      title: 'Vistas', current: 'Vista: {{name}}', savedViews: 'Vistas guardadas', none: 'Aún no hay vistas guardadas', shared: 'compartida',
      saveAs: 'Guardar como nueva vista…', saveView: 'Guardar vista', rename: 'Renombrar…', delete: 'Eliminar vista', closeView: 'Cerrar la vista',
      modified: 'Vista modificada', discard: 'Descartar', stale: 'Alguien cambió esta vista hace un momento. Vuelve a abrirla.',
      failed: 'No se pudo guardar ({{code}})', renameTitle: 'Renombrar vista', saveAsTitle: 'Guardar como nueva vista', name: 'Nombre de la vista',
      deleteConfirm: '¿Eliminar la vista «{{name}}»? Los contactos no cambian.',
      filters: 'Filtros activos', filtersButton: 'Filtros', addFilter: 'Añadir filtro', advancedFilter: 'Filtro avanzado', removeFilter: 'Quitar filtro: {{what}}',
      clearFilters: 'Quitar filtros', fieldsGroup: 'Campos', attributesGroup: 'Atributos', operator: 'Condición', value: 'Valor', valueDays: 'Días', apply: 'Aplicar',
      yes: 'Sí', no: 'No', days_one: '{{count}} día', days_other: '{{count}} días', searchFor: 'búsqueda «{{q}}»',
      field: {
        label: 'Campo', firstName: 'Nombre', lastName: 'Apellidos', company: 'Empresa', email: 'Email', phone: 'Teléfono', ownerId: 'Propietario', source: 'Origen',
        stageId: 'Etapa', timeInStage: 'Tiempo en etapa', pendingAttention: 'Pendiente de atención', attentionReason: 'Motivo de atención',
        whatsappWindow: 'Ventana de WhatsApp', ignored: 'Ignorado', createdAt: 'Creado', updatedAt: 'Actualizado',
      },
      op: {
        contains: 'contiene', eq: 'es', startsWith: 'empieza por', isEmpty: 'está vacío', is_empty: 'está vacío', notEmpty: 'no está vacío',
        gte: 'desde', lte: 'hasta', open: 'abierta', in: 'es uno de', contains_any: 'incluye',
      },
      source: {
        manual: 'Manual', csv: 'CSV', api: 'API', call: 'Llamada', whatsapp: 'WhatsApp', email: 'Email', crm: 'CRM', web: 'Web', typeform: 'Typeform',
        calendly: 'Calendly', meta_ads: 'Meta Ads', bankflip: 'Bankflip',
      },
      col: {
        phone: 'Teléfono', email: 'Email', company: 'Empresa', owner: 'Propietario', stage: 'Etapa', timeInStage: 'Tiempo en etapa', attention: 'Atención',
        window: 'Ventana WA', source: 'Origen', createdAt: 'Creado', updatedAt: 'Actualizado',
      },
      windowClosed: 'Cerrada', selectPage: 'Seleccionar los contactos cargados', selectRow: 'Seleccionar a {{name}}', actions: 'Acciones',
      editRow: 'Editar a {{name}}', editTitle: 'Editar a {{name}}', columns: 'Columnas', columnsLabel: 'Columnas visibles',
      emptyFiltered: 'Ningún contacto cumple estos filtros',
      export: 'Exportar', exportFailed: 'No se pudo exportar ({{code}}). Vuelve a probar.',
      bulk: {
        bar: 'Acciones sobre la selección', setOwner: 'Asignar propietario', moveStage: 'Mover a etapa', clearStage: 'Quitar del playbook',
        setConsent: 'Cambiar consentimiento', setAttribute: 'Editar atributo', attribute: 'Atributo', ignore: 'Ignorar', unignore: 'Dejar de ignorar', delete: 'Eliminar', more: 'Más acciones',
        owner: 'Propietario', noOwner: 'Sin propietario', stage: 'Etapa', consent: 'Consentimiento', everyContact: 'todos los contactos',
        confirmIds_one: 'Se aplicará a {{n}} contacto seleccionado.', confirmIds_other: 'Se aplicará a los {{n}} contactos seleccionados.',
        confirmFilter_one: 'Se aplicará a {{n}} contacto que cumple: {{filter}}.', confirmFilter_other: 'Se aplicará a los {{n}} contactos que cumplen: {{filter}}.',
        apply_one: 'Aplicar a {{n}} contacto', apply_other: 'Aplicar a {{n}} contactos', progress: 'Progreso de la acción', progressText: '{{done}} de {{total}} contactos',
        result_one: 'Hecho: {{n}} contacto cambiado.', result_other: 'Hecho: {{n}} contactos cambiados.',
        failedCount_one: '{{n}} no se pudo cambiar.', failedCount_other: '{{n}} no se pudieron cambiar.',
        selected_one: '{{n}} seleccionado', selected_other: '{{n}} seleccionados',
        allMatching_one: 'El {{n}} contacto que cumple el filtro', allMatching_other: 'Los {{n}} contactos que cumplen el filtro',
        selectAllMatching_one: 'Seleccionar el {{n}} que cumple el filtro', selectAllMatching_other: 'Seleccionar los {{n}} que cumplen el filtro', clear: 'Quitar selección',
      },
    },
  },
  {
    views: {
      title: 'Views', current: 'View: {{name}}', savedViews: 'Saved views', none: 'No saved views yet', shared: 'shared',
      saveAs: 'Save as new view…', saveView: 'Save view', rename: 'Rename…', delete: 'Delete view', closeView: 'Close the view',
      modified: 'View modified', discard: 'Discard', stale: 'Someone changed this view a moment ago. Open it again.',
      failed: 'Could not save ({{code}})', renameTitle: 'Rename view', saveAsTitle: 'Save as new view', name: 'View name',
      deleteConfirm: 'Delete the view “{{name}}”? The contacts do not change.',
      filters: 'Active filters', filtersButton: 'Filters', addFilter: 'Add filter', advancedFilter: 'Advanced filter', removeFilter: 'Remove filter: {{what}}',
      clearFilters: 'Clear filters', fieldsGroup: 'Fields', attributesGroup: 'Attributes', operator: 'Condition', value: 'Value', valueDays: 'Days', apply: 'Apply',
      yes: 'Yes', no: 'No', days_one: '{{count}} day', days_other: '{{count}} days', searchFor: 'search “{{q}}”',
      field: {
        label: 'Field', firstName: 'First name', lastName: 'Last name', company: 'Company', email: 'Email', phone: 'Phone', ownerId: 'Owner', source: 'Source',
        stageId: 'Stage', timeInStage: 'Time in stage', pendingAttention: 'Pending attention', attentionReason: 'Attention reason',
        whatsappWindow: 'WhatsApp window', ignored: 'Ignored', createdAt: 'Created', updatedAt: 'Updated',
      },
      op: {
        contains: 'contains', eq: 'is', startsWith: 'starts with', isEmpty: 'is empty', is_empty: 'is empty', notEmpty: 'is not empty',
        gte: 'from', lte: 'up to', open: 'open', in: 'is one of', contains_any: 'includes',
      },
      source: {
        manual: 'Manual', csv: 'CSV', api: 'API', call: 'Call', whatsapp: 'WhatsApp', email: 'Email', crm: 'CRM', web: 'Web', typeform: 'Typeform',
        calendly: 'Calendly', meta_ads: 'Meta Ads', bankflip: 'Bankflip',
      },
      col: {
        phone: 'Phone', email: 'Email', company: 'Company', owner: 'Owner', stage: 'Stage', timeInStage: 'Time in stage', attention: 'Attention',
        window: 'WA window', source: 'Source', createdAt: 'Created', updatedAt: 'Updated',
      },
      windowClosed: 'Closed', selectPage: 'Select the loaded contacts', selectRow: 'Select {{name}}', actions: 'Actions',
      editRow: 'Edit {{name}}', editTitle: 'Edit {{name}}', columns: 'Columns', columnsLabel: 'Visible columns',
      emptyFiltered: 'No contact matches these filters',
      export: 'Export', exportFailed: 'Could not export ({{code}}). Try again.',
      bulk: {
        bar: 'Actions on the selection', setOwner: 'Assign owner', moveStage: 'Move to stage', clearStage: 'Remove from playbook',
        setConsent: 'Change consent', setAttribute: 'Edit attribute', attribute: 'Attribute', ignore: 'Ignore', unignore: 'Stop ignoring', delete: 'Delete', more: 'More actions',
        owner: 'Owner', noOwner: 'No owner', stage: 'Stage', consent: 'Consent', everyContact: 'every contact',
        confirmIds_one: 'This applies to {{n}} selected contact.', confirmIds_other: 'This applies to the {{n}} selected contacts.',
        confirmFilter_one: 'This applies to {{n}} contact matching: {{filter}}.', confirmFilter_other: 'This applies to the {{n}} contacts matching: {{filter}}.',
        apply_one: 'Apply to {{n}} contact', apply_other: 'Apply to {{n}} contacts', progress: 'Progress of the action', progressText: '{{done}} of {{total}} contacts',
        result_one: 'Done: {{n}} contact changed.', result_other: 'Done: {{n}} contacts changed.',
        failedCount_one: '{{n}} could not be changed.', failedCount_other: '{{n}} could not be changed.',
        selected_one: '{{n}} selected', selected_other: '{{n}} selected',
        allMatching_one: 'The {{n}} contact matching the filter', allMatching_other: 'All {{n}} contacts matching the filter',
        selectAllMatching_one: 'Select the {{n}} matching the filter', selectAllMatching_other: 'Select all {{n}} matching the filter', clear: 'Clear selection',
      },
    },
  },
);
