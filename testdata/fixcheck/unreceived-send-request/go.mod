module example.com/fixcheck/unreceived-send-request

go 1.22
