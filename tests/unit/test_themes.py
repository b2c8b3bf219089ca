"""Theme files: shipped ones load and apply, user ones override, bad ones are reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Checkbox, DataTable, Footer, Input, Markdown, OptionList, Static, Tree

from veille_tui.tui.themes import (
    ALLOWED_KEYS,
    DEFAULT_THEME,
    FALLBACK_THEME,
    THEME_VARIABLE_DEFAULTS,
    ThemeError,
    apply_theme,
    discover_themes,
    install_themes,
    load_theme_file,
    register_themes,
    resolve_theme_name,
    shipped_themes_dir,
    user_themes_dir,
)

SHIPPED = ["veille-dark", "veille-light", "high-contrast", "jumphost-16"]
REPO = Path(__file__).resolve().parents[2]

GOOD_USER_THEME = """\
name = "my-theme"
primary = "#336699"
dark = false

[variables]
veille-cve = "crimson"
"""


def write_user_theme(config_dir: Path, filename: str, text: str) -> Path:
    folder = user_themes_dir(config_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ shipped themes


def test_shipped_themes_dir_is_the_checkout_folder() -> None:
    folder = shipped_themes_dir()
    assert folder == REPO / "themes"
    assert sorted(path.stem for path in folder.glob("*.toml")) == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_theme_loads_and_validates(name: str) -> None:
    theme = load_theme_file(shipped_themes_dir() / f"{name}.toml")
    assert isinstance(theme, Theme)
    assert theme.name == name
    # Every shipped theme sets every veille-* variable, each a plain colour.
    assert set(THEME_VARIABLE_DEFAULTS) <= set(theme.variables)
    for variable in THEME_VARIABLE_DEFAULTS:
        Color.parse(theme.variables[variable])
    theme.to_color_system().generate()


def test_jumphost_16_uses_only_ansi_colours() -> None:
    theme = load_theme_file(shipped_themes_dir() / "jumphost-16.toml")
    assert theme.ansi is True
    colours = [
        getattr(theme, field)
        for field in (
            "primary",
            "secondary",
            "accent",
            "warning",
            "error",
            "success",
            "foreground",
            "background",
            "surface",
            "panel",
            "boost",
        )
    ]
    colours += [value for key, value in theme.variables.items() if "style" not in key.split("-")]
    for colour in colours:
        assert colour.startswith("ansi_"), colour
        assert Color.parse(colour).ansi is not None, colour


def test_high_contrast_is_pure_black_and_white() -> None:
    theme = load_theme_file(shipped_themes_dir() / "high-contrast.toml")
    assert Color.parse(theme.background) == Color(0, 0, 0)
    assert Color.parse(theme.foreground) == Color(255, 255, 255)
    assert theme.text_alpha == 1.0


def test_default_theme_is_shipped() -> None:
    themes, errors = discover_themes(None)
    assert errors == []
    assert DEFAULT_THEME in themes
    assert sorted(themes) == sorted(SHIPPED)
    assert {entry.origin for entry in themes.values()} == {"shipped"}


def test_theme_variable_defaults_are_colours() -> None:
    assert set(THEME_VARIABLE_DEFAULTS) == {
        "veille-unread",
        "veille-starred",
        "veille-archived",
        "veille-cve",
        "veille-tag",
        "veille-date",
        "veille-source",
    }
    for value in THEME_VARIABLE_DEFAULTS.values():
        Color.parse(value)


def test_allowed_keys_are_theme_fields() -> None:
    assert ALLOWED_KEYS <= {field.name for field in dataclasses.fields(Theme)}


# --------------------------------------------------------------------- user themes


def test_shipped_themes_dir_in_an_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "lib" / "site-packages" / "veille_tui"
    (package / "themes_data").mkdir(parents=True)
    (tmp_path / "lib" / "themes").mkdir()  # a stray "themes" two levels up is not a checkout
    assert shipped_themes_dir(package) == package / "themes_data"


def test_shipped_themes_dir_in_a_source_checkout() -> None:
    assert shipped_themes_dir() == Path(__file__).resolve().parents[2] / "themes"


def test_user_themes_dir(tmp_path: Path) -> None:
    assert user_themes_dir(tmp_path) == tmp_path / "themes"


def test_missing_user_folder_is_not_an_error(tmp_path: Path) -> None:
    themes, errors = discover_themes(tmp_path / "nowhere")
    assert errors == []
    assert sorted(themes) == sorted(SHIPPED)


def test_user_theme_is_added(tmp_path: Path) -> None:
    path = write_user_theme(tmp_path, "mine.toml", GOOD_USER_THEME)
    themes, errors = discover_themes(tmp_path)
    assert errors == []
    entry = themes["my-theme"]
    assert (entry.path, entry.origin) == (path, "user")
    assert entry.theme.dark is False
    assert entry.theme.variables["veille-cve"] == "crimson"


def test_user_theme_overrides_shipped_one(tmp_path: Path) -> None:
    path = write_user_theme(
        tmp_path,
        "my-dark.toml",
        'name = "veille-dark"\nprimary = "#ff00ff"\n[variables]\nveille-cve = "#00ff00"\n',
    )
    themes, errors = discover_themes(tmp_path)
    assert errors == []
    entry = themes["veille-dark"]
    assert entry.origin == "user"
    assert entry.path == path
    assert entry.theme.primary == "#ff00ff"
    assert entry.theme.variables["veille-cve"] == "#00ff00"
    # The other shipped themes are still there, from the shipped folder.
    for name in SHIPPED[1:]:
        assert themes[name].origin == "shipped"
        assert themes[name].path.parent == shipped_themes_dir()


BAD_THEMES: dict[str, tuple[str | bytes, list[str]]] = {
    "bad-toml": ('name = "broken"\nprimary = "#123456"\ndark = yes\n', ["invalid TOML", "line 3"]),
    "unknown-key": (
        'name = "odd"\nprimary = "#123456"\nbackgroud = "#000000"\n',
        ["unknown key 'backgroud'", "did you mean 'background'"],
    ),
    "invalid-colour": (
        'name = "odd"\nprimary = "#123456"\nsurface = "#12345g"\n',
        ["invalid colour for 'surface'", "#12345g"],
    ),
    "colour-name-typo": (
        'name = "odd"\nprimary = "ansi_bright_whit"\n',
        ["invalid colour for 'primary'", "ansi_bright_whit"],
    ),
    "missing-name": ('primary = "#123456"\n', ["missing 'name'"]),
    "bad-name": ('name = "a theme, with commas"\nprimary = "#123456"\n', ["invalid name"]),
    "missing-primary": ('name = "odd"\n', ["missing 'primary'"]),
    "not-a-bool": ('name = "odd"\nprimary = "#123456"\ndark = "yes"\n', ["'dark' must be true or false"]),
    "bad-fraction": ('name = "odd"\nprimary = "#123456"\ntext_alpha = 2\n', ["'text_alpha'"]),
    "bad-variable-colour": (
        'name = "odd"\nprimary = "#123456"\n[variables]\nveille-cve = "not-a-colour"\n',
        ["invalid colour for variable 'veille-cve'"],
    ),
    "unknown-veille-variable": (
        'name = "odd"\nprimary = "#123456"\n[variables]\nveille-cev = "red"\n',
        ["unknown variable 'veille-cev'", "did you mean 'veille-cve'"],
    ),
    "bad-textual-variable": (
        'name = "odd"\nprimary = "#123456"\n[variables]\nborder = "blu"\n',
        ["invalid colour for variable 'border'"],
    ),
    "bad-text-style": (
        'name = "odd"\nprimary = "#123456"\n[variables]\nblock-cursor-text-style = "bolder"\n',
        ["invalid text style"],
    ),
    "variables-not-a-table": ('name = "odd"\nprimary = "#123456"\nvariables = "red"\n', ["'variables'"]),
    "not-utf8": (b'name = "caf\xe9"\nprimary = "#123456"\n', ["not UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(BAD_THEMES))
def test_bad_theme_file_is_reported_and_others_still_load(tmp_path: Path, case: str) -> None:
    text, reasons = BAD_THEMES[case]
    folder = user_themes_dir(tmp_path)
    folder.mkdir(parents=True)
    bad = folder / f"{case}.toml"
    if isinstance(text, bytes):
        bad.write_bytes(text)
    else:
        bad.write_text(text, encoding="utf-8")
    write_user_theme(tmp_path, "mine.toml", GOOD_USER_THEME)

    themes, errors = discover_themes(tmp_path)

    assert len(errors) == 1, errors
    error = errors[0]
    assert isinstance(error, ThemeError)
    assert error.path == bad
    message = str(error)
    assert str(bad) in message
    for reason in reasons:
        assert reason in error.reason
    # The good user theme and every shipped theme still load.
    assert "my-theme" in themes
    assert set(SHIPPED) <= set(themes)


def test_load_theme_file_raises_theme_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n\nprimary = \n', encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        load_theme_file(path)
    assert caught.value.path == path
    assert "line 3" in caught.value.reason


def test_unreadable_theme_file(tmp_path: Path) -> None:
    with pytest.raises(ThemeError, match="cannot read"):
        load_theme_file(tmp_path / "absent.toml")


def test_bad_user_override_keeps_shipped_theme(tmp_path: Path) -> None:
    write_user_theme(tmp_path, "veille-dark.toml", 'name = "veille-dark"\nprimary = "nope"\n')
    themes, errors = discover_themes(tmp_path)
    assert [error.path.name for error in errors] == ["veille-dark.toml"]
    assert themes["veille-dark"].origin == "shipped"


def test_duplicate_user_theme_name_is_reported(tmp_path: Path) -> None:
    write_user_theme(tmp_path, "a.toml", GOOD_USER_THEME)
    second = write_user_theme(tmp_path, "b.toml", GOOD_USER_THEME.replace("#336699", "#993366"))
    themes, errors = discover_themes(tmp_path)
    assert [error.path for error in errors] == [second]
    assert "already defined in a.toml" in errors[0].reason
    assert themes["my-theme"].theme.primary == "#336699"


def test_other_files_are_ignored(tmp_path: Path) -> None:
    write_user_theme(tmp_path, "README.md", "not a theme")
    write_user_theme(tmp_path, ".hidden.toml", "not = [toml")
    (user_themes_dir(tmp_path) / "sub.toml").mkdir()
    themes, errors = discover_themes(tmp_path)
    assert errors == []
    assert sorted(themes) == sorted(SHIPPED)


def test_user_ansi_theme_gets_ansi_variables(tmp_path: Path) -> None:
    write_user_theme(tmp_path, "a.toml", 'name = "my-16"\nansi = true\nprimary = "ansi_red"\n')
    themes, errors = discover_themes(tmp_path)
    assert errors == []
    variables = themes["my-16"].theme.variables
    assert variables["ansi-background"] == "ansi_black"
    assert variables["ansi-foreground"] == "ansi_white"


def test_textual_variable_values_accept_percent_and_styles(tmp_path: Path) -> None:
    write_user_theme(
        tmp_path,
        "a.toml",
        'name = "ok"\nprimary = "#123456"\n[variables]\n'
        'input-selection-background = "#81a1c1 35%"\n'
        'block-cursor-text-style = "b reverse"\n'
        'link-style-hover = "not underline"\n'
        'my-own-colour = "rgb(10, 20, 30)"\n',
    )
    themes, errors = discover_themes(tmp_path)
    assert errors == []
    assert "ok" in themes


# ------------------------------------------------------------------ the theme choice

AVAILABLE = [*SHIPPED, *BUILTIN_THEMES]


@pytest.mark.parametrize(
    ("cli", "env", "config", "expected"),
    [
        (None, None, None, DEFAULT_THEME),
        ("veille-light", "high-contrast", "jumphost-16", "veille-light"),
        (None, "high-contrast", "jumphost-16", "high-contrast"),
        (None, None, "jumphost-16", "jumphost-16"),
        (None, "", "jumphost-16", "jumphost-16"),
        ("  ", None, "nord", "nord"),
        (None, "nope,veille-light", None, "veille-light"),
    ],
)
def test_theme_precedence(cli, env, config, expected) -> None:
    environ = {} if env is None else {"TEXTUAL_THEME": env}
    choice = resolve_theme_name(cli, config, AVAILABLE, environ)
    assert choice.name == expected
    assert choice.message is None


@pytest.mark.parametrize(
    ("cli", "env", "config", "source"),
    [
        ("veille-ligth", None, "jumphost-16", "--theme"),
        (None, "solarised", "jumphost-16", "TEXTUAL_THEME"),
        (None, None, "nope", "the config"),
    ],
)
def test_unknown_theme_falls_back_to_default(cli, env, config, source) -> None:
    environ = {} if env is None else {"TEXTUAL_THEME": env}
    name, message = resolve_theme_name(cli, config, AVAILABLE, environ)
    assert name == DEFAULT_THEME
    assert message is not None
    assert f"(from {source})" in message
    assert repr(DEFAULT_THEME) in message


def test_unknown_theme_message_suggests_a_name() -> None:
    choice = resolve_theme_name("veille-ligth", None, AVAILABLE, {})
    assert choice.message == (
        "Unknown theme 'veille-ligth' (from --theme); using 'veille-dark'. Did you mean 'veille-light'?"
    )


def test_requested_theme_that_failed_to_load_names_its_file(tmp_path: Path) -> None:
    bad = write_user_theme(tmp_path, "mine.toml", 'name = "my-theme"\nprimary = "#12345g"\n')
    themes, errors = discover_themes(tmp_path)
    assert errors[0].theme_name == "my-theme"
    choice = resolve_theme_name(None, "my-theme", themes, {}, errors)
    assert choice.name == DEFAULT_THEME
    assert choice.message is not None
    assert choice.message.startswith("Theme 'my-theme' (from the config) could not be loaded: ")
    assert str(bad) in choice.message
    assert "invalid colour for 'primary'" in choice.message
    assert choice.message.endswith("using 'veille-dark'.")


def test_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_THEME", "veille-light")
    assert resolve_theme_name(None, "nord", AVAILABLE).name == "veille-light"


def test_missing_default_falls_back_to_textual() -> None:
    choice = resolve_theme_name(None, None, list(BUILTIN_THEMES), {})
    assert choice.name == FALLBACK_THEME
    assert choice.message is not None


# ---------------------------------------------------------------- applying a theme


class ThemedApp(App[None]):
    """A tiny app with veille-tui's theme habits: discovered themes, CSS variables."""

    CSS = """
    #cve { color: $veille-cve; }
    #unread { color: $veille-unread; }
    #starred { color: $veille-starred; }
    #archived { color: $veille-archived; }
    #tag { color: $veille-tag; background: $panel; }
    #date { color: $veille-date; }
    #source { color: $veille-source; }
    OptionList { height: 4; }
    """

    def __init__(self, theme_name: str, config_dir: Path | None = None) -> None:
        super().__init__()
        themes, self.theme_errors = discover_themes(config_dir)
        register_themes(self, themes)
        self.theme = theme_name

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        for variable in THEME_VARIABLE_DEFAULTS:
            yield Static(variable, id=variable.removeprefix("veille-"))
        yield OptionList("CVE-2026-1234 in Fortinet", "[Webinar] patch Tuesday")
        yield DataTable()
        yield Tree("tags")
        yield Checkbox("starred only")
        yield Input("query")
        yield Markdown("# Title\n\nBody with a [link](https://example.org).")
        yield Footer()


@pytest.mark.parametrize("name", [*SHIPPED, "nord", "textual-light", "ansi-dark"])
async def test_theme_applies_in_an_app(name: str) -> None:
    app = ThemedApp(name)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        assert app.theme_errors == []
        assert app.theme == name
        assert app.current_theme.name == name
        expected = app.current_theme.variables.get("veille-cve", THEME_VARIABLE_DEFAULTS["veille-cve"])
        assert app.theme_variables["veille-cve"] == expected
        for variable in THEME_VARIABLE_DEFAULTS:
            assert variable in app.theme_variables
        cve = app.query_one("#cve", Static)
        assert cve.styles.color == Color.parse(expected)


async def test_switching_themes_at_run_time() -> None:
    app = ThemedApp(DEFAULT_THEME)
    async with app.run_test(size=(80, 40)) as pilot:
        for name in SHIPPED:
            app.theme = name
            await pilot.pause()
            assert app.theme_variables["veille-cve"] == app.current_theme.variables["veille-cve"]


async def test_user_theme_applies_in_an_app(tmp_path: Path) -> None:
    write_user_theme(tmp_path, "mine.toml", GOOD_USER_THEME)
    app = ThemedApp("my-theme", tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        assert app.theme_variables["veille-cve"] == "crimson"
        # Variables the theme leaves out come from the defaults.
        assert app.theme_variables["veille-tag"] == THEME_VARIABLE_DEFAULTS["veille-tag"]
        assert app.query_one("#cve", Static).styles.color == Color.parse("crimson")


class InstalledApp(App[None]):
    """The way app.py is meant to do it: one install_themes call."""

    CSS = "#cve { color: $veille-cve; }"

    def __init__(self, config_dir: Path | None, cli: str | None, config: str | None, environ: dict[str, str]) -> None:
        super().__init__()
        self.setup = install_themes(self, config_dir, cli, config, environ)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield Static("CVE-2026-1234", id="cve")

    def on_mount(self) -> None:
        for message in self.setup.messages:
            self.notify(message, title="Theme", severity="warning", markup=False)


async def test_install_themes_applies_the_choice_and_reports(tmp_path: Path) -> None:
    bad = write_user_theme(tmp_path, "broken[1].toml", 'name = "broken"\nprimary = \n')
    app = InstalledApp(tmp_path, "veille-light", "jumphost-16", {})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "veille-light"
        assert app.setup.choice == ("veille-light", None)
        assert [error.path for error in app.setup.errors] == [bad]
        assert app.setup.messages == [str(app.setup.errors[0])]
        assert app.theme_variables["veille-cve"] == "#b3261e"
        assert len(app._notifications) == 1


async def test_install_themes_falls_back_with_a_notification(tmp_path: Path) -> None:
    app = InstalledApp(tmp_path, None, "solarized-typo", {})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert app.setup.messages == [
            "Unknown theme 'solarized-typo' (from the config); using 'veille-dark'. Did you mean 'solarized-light'?"
        ]
        assert app.theme_variables["veille-cve"] == "#ff6b6b"


@pytest.mark.parametrize("name", ["veille-light", "jumphost-16"])
async def test_theme_named_by_textual_theme_is_really_applied(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # TEXTUAL_THEME=<our theme> makes it App.theme's value before our themes are
    # registered: Textual then builds its CSS variables from textual-dark, and
    # `app.theme = name` is no change. apply_theme must still apply it.
    monkeypatch.setattr(App.theme, "_default", name)
    app = InstalledApp(None, None, None, {"TEXTUAL_THEME": name})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        theme = app.current_theme
        assert theme.name == name
        assert app.theme_variables["veille-cve"] == theme.variables["veille-cve"]
        assert app.theme_variables["primary"].lower() == Color.parse(theme.primary).hex.lower()
        assert f"-theme-{name}" in app.classes
        assert ("-light-mode" in app.classes) is (not theme.dark)
        assert app.native_ansi_color is theme.ansi


def test_apply_theme_refuses_an_unregistered_name() -> None:
    from textual.app import InvalidThemeError

    app: App[None] = App()
    before = app.theme
    with pytest.raises(InvalidThemeError):
        apply_theme(app, "nope")
    assert app.theme == before
