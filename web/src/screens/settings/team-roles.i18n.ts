import { bundle } from '../../i18n/bundle.ts';

/** Strings of Settings → Equipo for changing roles and removing users (`teamRoles.*` keys). */
export const teamRolesMessages = bundle(
  {
    teamRoles: {
      roleOf: 'Rol de {{name}}',
      status: 'Estado',
      active: 'Activo',
      removed: 'Retirado',
      you: '(tú)',
      roleSaved: 'Rol de {{name}} cambiado a {{role}}',
      remove: 'Retirar',
      removeWhich: 'Retirar a {{name}} del espacio de trabajo',
      restore: 'Readmitir',
      restoreWhich: 'Readmitir a {{name}}',
      removeTitle: '¿Retirar a {{name}}?',
      removeText: 'No podrá entrar: sus sesiones se cierran y sus enlaces de invitación dejan de servir. Sus contactos, tareas e historial se conservan. Puedes readmitirle más tarde. Sus claves de API dejan de funcionar mientras no se le readmita.',
      removed_done: '{{name}} ya no tiene acceso',
      restored_done: '{{name}} puede volver a entrar',
      ownerOnly: 'Solo un propietario puede dar o quitar el rol de propietario.',
      errors: {
        last_owner: 'Es el último propietario del espacio de trabajo: nombra antes a otra persona propietaria.',
        precondition_failed: 'Otra persona cambió este usuario mientras tanto. Se ha recargado la lista: vuelve a probar.',
      },
    },
  },
  {
    teamRoles: {
      roleOf: 'Role of {{name}}',
      status: 'Status',
      active: 'Active',
      removed: 'Removed',
      you: '(you)',
      roleSaved: '{{name}}\'s role changed to {{role}}',
      remove: 'Remove',
      removeWhich: 'Remove {{name}} from the workspace',
      restore: 'Restore',
      restoreWhich: 'Restore {{name}}',
      removeTitle: 'Remove {{name}}?',
      removeText: 'They will not be able to sign in: their sessions end and their invite links stop working. Their contacts, tasks and history stay. You can restore them later. Their API keys stop working until they are restored.',
      removed_done: '{{name}} no longer has access',
      restored_done: '{{name}} can sign in again',
      ownerOnly: 'Only an owner can give or take the owner role.',
      errors: {
        last_owner: 'This is the workspace\'s last owner: make someone else an owner first.',
        precondition_failed: 'Someone else changed this user meanwhile. The list has been reloaded: try again.',
      },
    },
  },
);
