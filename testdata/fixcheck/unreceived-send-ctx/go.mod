module example.com/fixcheck/unreceived-send-ctx

go 1.22
