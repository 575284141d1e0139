import { Badge, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Text colours chosen for ≥ 4.5:1 on white and on their own tint (WCAG AA); the words always
 * carry the meaning too, never the colour alone.
 */
const TONES = {
  green: { fg: '#1b5e20', bg: '#e8f5e9' },
  amber: { fg: '#7a4a00', bg: '#fff4e0' },
  red: { fg: '#a61b1b', bg: '#fdecec' },
  grey: { fg: '#3d4349', bg: '#f1f3f5' },
  blue: { fg: '#1c3f94', bg: '#e8eefc' },
  teal: { fg: '#0b5450', bg: '#e3f4f3' },
} as const;
export type Tone = keyof typeof TONES;

export function StatusChip({ tone, children, solid, ...rest }: { tone: Tone; children: ReactNode; solid?: boolean } & Omit<BadgeProps, 'color' | 'variant'> & { title?: string }) {
  const c = TONES[tone];
  return (
    <Badge
      variant="outline"
      tt="none"
      styles={{ root: solid ? { color: '#fff', background: c.fg, borderColor: c.fg } : { color: c.fg, background: c.bg, borderColor: c.fg } }}
      {...rest}
    >
      {children}
    </Badge>
  );
}
