import { alice, bob, carol } from './people';
import type { Scenario } from './types';

export const free: Scenario = {
  id: 'free',
  title: 'Free mode',
  caption:
    'Type in any user\'s box, set the delays, take someone offline, then Step or Run. ' +
    'Every keystroke goes to both sides at the current time.',
  participants: [alice, bob, carol],
  initialText: 'Edit me',
  script: [],
  interactive: true,
};
