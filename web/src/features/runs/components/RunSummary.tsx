// A run's one-line summary as a person reads it: the API writes ids into it ("notified 01M8RS…", "moved the deal
// from invoice to won"); the console puts the user's name and the stage's name in their place, from the users and
// pipelines it holds already (one cached request each for the whole screen, none per row).
import { useCallback } from 'react';
import { leadStages } from '#shared/domain/entities.ts';
import { usePipelines, useUsers } from '../../../lib/users';

const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;
/** Where a step's line names a user by an id that need not be a ULID (the local admin is `admin`). */
const USER_AFTER = /\b(notified |assigned to )([\w-]+)/g;
const USER_BEFORE = /^([\w-]+)( is responsible already)/;
const STAGE_MOVE = /\b(moved the (deal|lead) from |not moved back from )([\w-]+)( to )([\w-]+)/g;
const leadStageName = (stage: string) => ((leadStages as readonly string[]).includes(stage) ? stage.charAt(0).toUpperCase() + stage.slice(1).replace('_', ' ') : stage);

/** `(text) => text` with known user ids replaced by names and stage ids of a move by stage names. */
export function useReadableSummary(): (text: string) => string {
  const users = useUsers();
  const pipelines = usePipelines();
  return useCallback(
    (text: string) => {
      const userNames = new Map((users.data ?? []).map((user) => [user.id, user.name]));
      // A stage id is named when every pipeline that has it calls it the same: a summary does not say which pipeline.
      const dealStageName = (stage: string) => {
        const names = new Set((pipelines.data ?? []).flatMap((pipeline) => pipeline.stages.filter((candidate) => candidate.id === stage).map((candidate) => candidate.name)));
        return names.size === 1 ? [...names][0]! : stage;
      };
      return text
        .replace(ULID, (id) => userNames.get(id) ?? id)
        .replace(USER_AFTER, (match, lead: string, id: string) => (userNames.has(id) ? `${lead}${userNames.get(id)}` : match))
        .replace(USER_BEFORE, (match, id: string, rest: string) => (userNames.has(id) ? `${userNames.get(id)}${rest}` : match))
        .replace(STAGE_MOVE, (_match, lead: string, type: string | undefined, from: string, to: string, target: string) => {
          const name = type === 'lead' ? leadStageName : dealStageName;
          return `${lead}${name(from)}${to}${name(target)}`;
        });
    },
    [users.data, pipelines.data],
  );
}
