module example.com/fixcheck/unreceived-send-double

go 1.22
