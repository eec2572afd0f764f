/**
 * The part of vkurko's Event Calendar (`@event-calendar/build`, loaded by the shell as a global
 * before main.js) that the desk uses. The build ships no types; these follow its README (5.10.1).
 */
export interface EcContent {
  domNodes: Node[];
}
export interface EcEvent {
  id: string;
  resourceIds: string[];
  start: Date;
  end: Date;
  title: unknown;
  display: string;
  extendedProps: Record<string, unknown>;
}
export interface EcEventInput {
  id?: string;
  resourceIds?: string[];
  start: string;
  end: string;
  title?: string;
  display?: 'auto' | 'background';
  editable?: boolean;
  backgroundColor?: string;
  textColor?: string;
  classNames?: string[];
  extendedProps?: Record<string, unknown>;
}
export interface EcResource {
  id: string;
  title: string;
  extendedProps?: Record<string, unknown>;
}
export interface EcView {
  type: string;
  title: string;
  currentStart: Date;
  currentEnd: Date;
  activeStart: Date;
  activeEnd: Date;
}
export interface EcMoveInfo {
  event: EcEvent;
  oldEvent: EcEvent;
  newResource?: EcResource;
  oldResource?: EcResource;
  revert: () => void;
}
export interface EcSelectInfo {
  start: Date;
  end: Date;
  allDay: boolean;
  resource?: EcResource;
}
export interface EcOptions {
  view?: string;
  date?: string;
  timeZone?: string;
  resources?: EcResource[];
  events?: EcEventInput[];
  headerToolbar?: { start: string; center: string; end: string };
  slotMinTime?: string;
  slotMaxTime?: string;
  slotDuration?: string;
  scrollTime?: string;
  nowIndicator?: boolean;
  selectable?: boolean;
  editable?: boolean;
  allDaySlot?: boolean;
  datesAboveResources?: boolean;
  height?: string;
  eventContent?: (info: { event: EcEvent; timeText: string }) => EcContent | string | undefined;
  eventClick?: (info: { event: EcEvent; jsEvent: MouseEvent }) => void;
  eventDidMount?: (info: { event: EcEvent; el: HTMLElement }) => void;
  eventDrop?: (info: EcMoveInfo) => void;
  eventResize?: (info: EcMoveInfo) => void;
  select?: (info: EcSelectInfo) => void;
  datesSet?: (info: { start: Date; end: Date; view: EcView }) => void;
  [option: string]: unknown;
}
export interface EcCalendar {
  setOption(name: string, value: unknown): EcCalendar;
  getOption(name: string): unknown;
  getView(): EcView;
  unselect(): void;
}
export interface EcGlobal {
  create(el: HTMLElement, options: EcOptions): EcCalendar;
  destroy(calendar: EcCalendar): void;
}
declare global {
  interface Window {
    EventCalendar?: EcGlobal;
  }
}
