from veille_tui.cli import main

raise SystemExit(main())
