from veille_tui.start import main

raise SystemExit(main())
