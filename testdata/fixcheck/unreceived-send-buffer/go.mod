module example.com/fixcheck/unreceived-send-buffer

go 1.22
