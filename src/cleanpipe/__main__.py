from cleanpipe.cli import main

raise SystemExit(main())
