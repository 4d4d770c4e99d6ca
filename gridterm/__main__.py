from gridterm.cli import main

raise SystemExit(main())
