import { Button, Modal } from '@mantine/core';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Change password">
      <ChangePasswordForm
        onDone={onClose}
        submitLabel="Change password"
        secondary={
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
        }
      />
    </Modal>
  );
}
