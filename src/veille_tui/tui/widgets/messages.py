"""The base of the widgets' own messages (those nested in a widget class, such as
`EntryList.Opened`). The workers' messages to the main screen are in `veille_tui/messages.py`."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.message import Message
from textual.widget import Widget

WidgetType = TypeVar("WidgetType", bound=Widget)


class WidgetMessage(Generic[WidgetType], Message):
    """A message about the widget that posts it: that widget is its `control`, so that a handler
    `@on(Widget.Message, "#id")` can pick the sender by selector."""

    def __init__(self, widget: WidgetType) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> WidgetType:
        return self.widget
