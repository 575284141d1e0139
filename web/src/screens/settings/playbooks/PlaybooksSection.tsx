import { Route, Routes } from 'react-router';
import { PlaybookEditor } from './PlaybookEditor.tsx';
import { PlaybookList } from './PlaybookList.tsx';

/** Ajustes → Playbooks y etapas: the list at `/settings/playbooks`, one playbook at `/settings/playbooks/{id}`. */
export function PlaybooksSection() {
  return (
    <Routes>
      <Route index element={<PlaybookList />} />
      <Route path=":id" element={<PlaybookEditor />} />
    </Routes>
  );
}
