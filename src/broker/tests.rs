// placeholder until the broker helper delivers
