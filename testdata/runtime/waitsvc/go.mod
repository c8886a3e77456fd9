module example.com/waitsvc

go 1.27
