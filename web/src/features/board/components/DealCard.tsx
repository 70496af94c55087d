// One deal on the board: title, amount, responsible, contact; drag it, or move it by its menu.
import { useDraggable } from '@dnd-kit/core';
import { Alert, CloseButton, Group, Menu, Paper, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { memo, useCallback, useRef, useState } from 'react';
import { Link } from 'react-router';
import { paths } from '../../../lib/paths';
import { keys } from '../../../lib/query';
import type { Contact, Deal, Stage } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import classes from './DealCard.module.css';
import { formatAmount } from '../../../lib/money';

function ContactLink({ contactId, name }: { contactId: string; name: string }) {
  return (
    <Link to={paths.record('contacts', contactId)} className={classes.contact}>
      {name}
    </Link>
  );
}

/** A contact the board request did not name (a card from "Show more", a move): read on its own. */
function ContactName({ contactId }: { contactId: string }) {
  const api = useApi();
  const contact = useQuery({
    queryKey: keys.record('contacts', contactId),
    queryFn: () => api.request<Contact>(`/contacts/${encodeURIComponent(contactId)}`),
    staleTime: 60_000,
  });
  return <ContactLink contactId={contactId} name={contact.data?.name ?? (contact.isError ? 'contact not found' : '…')} />;
}

/**
 * The keyboard and menu alternative to dragging. A board shows hundreds of cards: the menu
 * is mounted on first use only, the button alone costs little. Enter and Space on the button
 * open the menu (the card's drag starts only from the card itself, see `DealCard`); the menu is
 * Mantine's (arrow keys, Enter, Escape), and closing it puts the focus back on the button.
 */
function MoveMenu({ deal, stages, onMove }: Pick<DealCardProps, 'deal' | 'stages' | 'onMove'>) {
  const [opened, setOpened] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // Opening mounts the menu around the button, so the button the user pressed is replaced: focus the new one on close.
  const close = () => {
    setOpened(false);
    requestAnimationFrame(() => buttonRef.current?.focus());
  };
  const button = (
    <button
      ref={buttonRef}
      type="button"
      className={classes.move}
      aria-label={`Move ${deal.title}`}
      aria-haspopup="menu"
      aria-expanded={opened}
      onPointerDown={(event) => event.stopPropagation()}
      onClick={() => setOpened(true)}>
      <span aria-hidden="true">⋯</span>
    </button>
  );
  if (!opened) return button;
  return (
    <Menu position="bottom-end" withinPortal opened={opened} onChange={(next) => (next ? setOpened(true) : close())} defaultOpened>
      <Menu.Target>{button}</Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Move to</Menu.Label>
        {stages.map((stage) => (
          <Menu.Item key={stage.id} disabled={stage.id === deal.stageId} onClick={() => onMove(deal, stage.id)}>
            {stage.name}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

export interface DealCardProps {
  deal: Deal;
  /** The responsible person's name, looked up once per column rather than per card. */
  responsible: string | undefined;
  /** The contact's name when the board request brought it. */
  contactName?: string | undefined;
  stages: Stage[];
  onMove: (deal: Deal, toStageId: string) => void;
  notice?: string | undefined;
  onDismissNotice?: (dealId: string) => void;
}

/** Memoised: a column re-renders on every page, filter and move; an unchanged card does not. */
export const DealCard = memo(function DealCard({ deal, responsible, contactName, stages, onMove, notice, onDismissNotice }: DealCardProps) {
  // The card stays in its column while dragged (dimmed); the board's DragOverlay follows the pointer.
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({ id: deal.id, data: { deal } });
  // The card is also the keyboard drag's activator: Space or Enter picks it up only when the card itself has the
  // focus, not when they were meant for its title link or its "⋯" menu (React bubbles their keys up to the card).
  const cardRef = useCallback(
    (node: HTMLElement | null) => {
      setNodeRef(node);
      setActivatorNodeRef(node);
    },
    [setNodeRef, setActivatorNodeRef],
  );
  return (
    <article
      ref={cardRef}
      className={isDragging ? `${classes.card} ${classes.dragging}` : classes.card}
      aria-label={`Deal ${deal.title}`}
      {...listeners}
      {...attributes}
      // An article holding links and a menu; dnd-kit's default role "button" would hide them.
      role="article"
    >
      <div className={classes.head}>
        <Link to={paths.record('deals', deal.id)} className={classes.title} onPointerDown={(event) => event.stopPropagation()}>
          {deal.title}
        </Link>
        <MoveMenu deal={deal} stages={stages} onMove={onMove} />
      </div>
      {typeof deal.amount === 'number' ? <div className={classes.amount}>{formatAmount(deal.amount, deal.currency)}</div> : null}
      <div className={classes.foot}>
        <span>{responsible ?? 'nobody'}</span>
        {deal.contactId ? contactName ? <ContactLink contactId={deal.contactId} name={contactName} /> : <ContactName contactId={deal.contactId} /> : null}
      </div>
      {notice ? (
        <Alert color="orange" p={6} role="alert" onPointerDown={(event) => event.stopPropagation()}>
          <Group gap={4} wrap="nowrap" align="flex-start">
            <Text size="xs">{notice}</Text>
            {onDismissNotice ? <CloseButton size="xs" aria-label="Dismiss" onClick={() => onDismissNotice(deal.id)} /> : null}
          </Group>
        </Alert>
      ) : null}
    </article>
  );
});

/** What follows the pointer while a deal is dragged. */
export function DealCardPreview({ deal }: { deal: Deal }) {
  return (
    <Paper withBorder p="xs" shadow="lg" w={248} style={{ cursor: 'grabbing', transform: 'rotate(2deg)' }} aria-hidden="true">
      <Text fw={600} size="sm" c="indigo" lineClamp={2}>
        {deal.title}
      </Text>
      {typeof deal.amount === 'number' ? (
        <Text size="sm" fw={500}>
          {formatAmount(deal.amount, deal.currency)}
        </Text>
      ) : null}
    </Paper>
  );
}
